import Glibc

/// Whether the calling thread is a hub loop: blocking code (SQLite, password hashing, waiting on Redis) asserts
/// it is not, so a handler that would stall every connection of its loop fails in debug builds instead.
public enum LoopThread {
    // A thread-specific key; the value is any non-nil pointer on loop threads.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        return key
    }()

    /// True on a loop thread.
    public static var isCurrent: Bool { pthread_getspecific(key) != nil }

    /// Marks the calling thread as a loop for the rest of its life.
    static func markCurrent() {
        pthread_setspecific(key, UnsafeRawPointer(bitPattern: 1))
    }
}
