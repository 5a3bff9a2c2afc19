import Foundation

/// Runs `body` on `count` threads of its own at once and returns when all have finished.
///
/// Unlike `DispatchQueue.concurrentPerform`, which runs about as many bodies at once as there are
/// cores, every body really runs in parallel, so that tests can have many clients in flight.
public func runConcurrently(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            body(index)
            group.leave()
        }
        thread.start()
    }
    group.wait()
}
