import CLinuxSys
import Glibc

/// What a registration wants to hear about.
struct Interest: OptionSet {
    let rawValue: UInt32
    static let read = Interest(rawValue: EPOLLIN.rawValue | EPOLLRDHUP.rawValue)
    static let write = Interest(rawValue: EPOLLOUT.rawValue)
    /// A listener shared by every loop: each connection wakes one loop, not all of them (no thundering herd).
    /// The kernel accepts only EPOLLIN beside EPOLLEXCLUSIVE.
    /// Edge-triggered reads: every eventfd write reports once, so the loop need not read the counter to rearm.
    static let readEdge = Interest(rawValue: EPOLLIN.rawValue | EPOLLET.rawValue)
    static let acceptExclusive = Interest(rawValue: EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue)
}

/// One readiness report: which registration, and what happened to it.
struct ReadinessEvent {
    let fd: Int32
    let generation: UInt32
    let readable: Bool
    let writable: Bool
    /// The peer hung up or the socket failed; reading will report how.
    let hangup: Bool
}

/// The epoll backend. Owned by one event loop and touched only on its thread.
///
/// Each registration carries a generation next to the fd in `epoll_data`, so a report for a descriptor that was
/// closed and reused within the same batch is recognised as stale and dropped.
final class Selector {
    let epollFD: Int32
    private var events: UnsafeMutableBufferPointer<epoll_event>

    init(capacity: Int = 1024) throws(SystemError) {
        epollFD = try syscallBlocking("epoll_create1") { epoll_create1(Int32(EPOLL_CLOEXEC)) }
        // Allocated once: the wait reuses it rather than allocating per call.
        events = .allocate(capacity: capacity)
    }

    deinit {
        events.deallocate()
        Socket.close(epollFD)
    }

    func register(fd: Int32, generation: UInt32, interest: Interest) throws(SystemError) {
        try control(EPOLL_CTL_ADD, fd: fd, generation: generation, interest: interest)
    }

    func reregister(fd: Int32, generation: UInt32, interest: Interest) throws(SystemError) {
        try control(EPOLL_CTL_MOD, fd: fd, generation: generation, interest: interest)
    }

    func deregister(fd: Int32) {
        _ = epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil)
    }

    private func control(_ operation: Int32, fd: Int32, generation: UInt32, interest: Interest) throws(SystemError) {
        var event = clinux_epoll_event(interest.rawValue, UInt64(generation) << 32 | UInt64(UInt32(bitPattern: fd)))
        _ = try syscallBlocking("epoll_ctl") { epoll_ctl(epollFD, operation, fd, &event) }
    }

    /// Waits up to `timeoutMilliseconds` (-1: forever) and calls `body` for each report.
    func wait(timeoutMilliseconds: Int32, _ body: (ReadinessEvent) -> Void) throws(SystemError) {
        let count: Int32
        switch try syscall(
            "epoll_wait", { epoll_wait(epollFD, events.baseAddress, Int32(events.count), timeoutMilliseconds) })
        {
        case .processed(let value): count = value
        case .wouldBlock: return
        }
        let mask = EPOLLHUP.rawValue | EPOLLERR.rawValue | EPOLLRDHUP.rawValue
        for index in 0..<Int(count) {
            let flags = clinux_epoll_events(events.baseAddress! + index)
            let data = clinux_epoll_data(events.baseAddress! + index)
            body(
                ReadinessEvent(
                    fd: Int32(bitPattern: UInt32(truncatingIfNeeded: data)),
                    generation: UInt32(truncatingIfNeeded: data >> 32),
                    readable: flags & (EPOLLIN.rawValue | mask) != 0,
                    writable: flags & EPOLLOUT.rawValue != 0,
                    hangup: flags & mask != 0))
        }
    }
}
