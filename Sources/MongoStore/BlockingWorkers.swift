import Foundation

/// A fixed set of threads for blocking calls, fed from one queue.
///
/// libmongoc blocks on the network, so its calls run here rather than on the event loop or on
/// Swift's cooperative pool; the number of threads bounds how many run at once.
final class BlockingWorkers: @unchecked Sendable {
    // `condition` guards `queue`, `closing` and `running`.
    private let condition = NSCondition()
    private var queue: [@Sendable () -> Void] = []
    /// The index in `queue` of the next job; taken jobs before it are dropped in bulk.
    private var head = 0
    private var closing = false
    private var running = 0

    /// Starts `count` threads named `name`.
    init(count: Int, name: String) {
        self.running = count
        for index in 0..<count {
            let thread = Thread { [self] in
                self.work()
            }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    /// Queues `job`; returns false, without running it, once ``close()`` has begun.
    func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        self.condition.lock()
        defer { self.condition.unlock() }
        guard !self.closing else {
            return false
        }
        self.queue.append(job)
        self.condition.signal()
        return true
    }

    /// Runs every queued job, then ends the threads. It BLOCKS until the last one has ended.
    func close() {
        self.condition.lock()
        self.closing = true
        self.condition.broadcast()
        while self.running > 0 {
            self.condition.wait()
        }
        self.condition.unlock()
    }

    private func work() {
        while let job = self.next() {
            job()
        }
        self.condition.lock()
        self.running -= 1
        self.condition.broadcast()
        self.condition.unlock()
    }

    private func next() -> (@Sendable () -> Void)? {
        self.condition.lock()
        defer { self.condition.unlock() }
        while self.head == self.queue.count {
            if self.closing {
                return nil
            }
            self.condition.wait()
        }
        let job = self.queue[self.head]
        self.head += 1
        if self.head == self.queue.count || self.head >= 1024 {
            self.queue.removeFirst(self.head)
            self.head = 0
        }
        return job
    }
}
