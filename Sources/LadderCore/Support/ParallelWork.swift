import Dispatch
import Synchronization

/// Work spread over threads the way Ladder's reads need it: each thread first makes its own
/// state (a repository handle: libgit2 objects are not thread-safe), then takes the next item
/// until none are left, so a slow item does not hold the others back.
@available(macOS 15, *)
enum ParallelWork {
    /// The result of `task` for every item `0..<count`, in item order, computed on up to
    /// `workers` threads; the first failure in item order (a failed `setup` fails that thread's
    /// items) is thrown.
    static func map<State, Output: Sendable>(
        _ count: Int, workers: Int, setup: @Sendable () throws -> State, _ task: @Sendable (inout State, Int) throws -> Output
    ) throws -> [Output] {
        let next = Mutex(0)
        let results = Mutex<[Int: Result<Output, any Error>]>([:])
        DispatchQueue.concurrentPerform(iterations: max(1, min(workers, count))) { _ in
            var state = Result { try setup() }
            while true {
                let item = next.withLock { value in
                    defer { value += 1 }
                    return value
                }
                guard item < count else { break }
                let outcome: Result<Output, any Error>
                switch state {
                case .success(var value):
                    outcome = Result { try task(&value, item) }
                    state = .success(value)
                case .failure(let error):
                    outcome = .failure(error)
                }
                results.withLock { $0[item] = outcome }
            }
        }
        let finished = results.withLock { $0 }
        return try (0..<count).map { try finished[$0]!.get() }
    }
}
