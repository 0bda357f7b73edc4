import CLinuxSys
import Glibc

/// Starts a detached-from-Swift-concurrency OS thread. Each event loop runs on one of these for its whole life.
// A pthread handle is a plain value that any thread may join once; nothing else in it is mutable.
final class OSThread: @unchecked Sendable {
    private let thread: pthread_t

    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    init(name: String, body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread, nil,
            { raw in
                let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
                box.body()
                return nil
            }, box)
        precondition(result == 0, "pthread_create failed: \(result)")
        _ = pthread_setname_np(thread, String(name.prefix(15)))
        self.thread = thread
    }

    func join() {
        pthread_join(thread, nil)
    }
}
