import SessionCore
import Synchronization

/// The pools' figures from the store, kept for a while so that however often `/stats` is asked,
/// the store is asked at most once per ``lifetime``.
///
/// A request that finds no fresh figures asks the store; requests arriving while it does wait
/// for the same answer instead of asking again. Failures are not kept.
final class StatisticsCache: Sendable {
    typealias Figures = Result<[PoolStatistics], StoreError>
    typealias Completion = @Sendable (Figures) -> Void

    private struct State {
        var figures: [PoolStatistics]?
        var askedAt = ContinuousClock.now
        /// The requests waiting for the store's answer; nil when the store is not being asked.
        var waiting: [Completion]?
    }

    /// How long figures are served after the store was asked for them.
    let lifetime: Duration
    private let state = Mutex(State())

    init(lifetime: Duration) {
        self.lifetime = lifetime
    }

    /// Calls `completion` with fresh figures, now if there are some, otherwise once `fetch`, or a
    /// fetch already under way, has them. `fetch` must call its argument exactly once.
    func read(fetch: (@escaping Completion) -> Void, completion: @escaping Completion) {
        enum Step {
            case answer([PoolStatistics])
            case wait
            case ask(ContinuousClock.Instant)
        }
        let now = ContinuousClock.now
        let step: Step = self.state.withLock { state in
            if let figures = state.figures, now - state.askedAt < self.lifetime {
                return .answer(figures)
            }
            if state.waiting != nil {
                state.waiting?.append(completion)
                return .wait
            }
            state.waiting = [completion]
            return .ask(now)
        }

        switch step {
        case .answer(let figures):
            completion(.success(figures))
        case .wait:
            break
        case .ask(let askedAt):
            fetch { result in self.finish(result, askedAt: askedAt) }
        }
    }

    private func finish(_ result: Figures, askedAt: ContinuousClock.Instant) {
        let waiting = self.state.withLock { state in
            if case .success(let figures) = result {
                state.figures = figures
                state.askedAt = askedAt
            }
            defer { state.waiting = nil }
            return state.waiting ?? []
        }
        for completion in waiting {
            completion(result)
        }
    }
}
