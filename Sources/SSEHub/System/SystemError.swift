import CLinuxSys
import Glibc

/// A failed system call: the call's name and the `errno` it left, read at once after the call returned.
public struct SystemError: Error, CustomStringConvertible, Sendable {
    /// The system call that failed (`bind`, `epoll_create1`, ...).
    public let call: String
    /// The `errno` it left.
    public let errno: Int32

    /// An error for `call` failing with `errno`.
    public init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    /// The call, the system's text for the errno, and its number.
    public var description: String {
        "\(call) failed: \(String(cString: strerror(errno))) (errno \(errno))"
    }
}

/// The outcome of a non-blocking call: either it did its work, or the kernel said "try again later".
/// Would-block is a value, not an error, because on a non-blocking socket it is the ordinary case.
enum IOResult<Value> {
    case processed(Value)
    case wouldBlock
}

/// Runs a system call returning -1 on failure: retries `EINTR`, turns `EAGAIN` into `.wouldBlock`, and throws
/// every other errno with the call's name. `EBADF` and `EFAULT` mean the hub passed a wrong descriptor or
/// pointer, a programmer error, so they stop the process instead of being handled.
@inline(__always)
func syscall<T: FixedWidthInteger>(_ name: StaticString, _ body: () -> T) throws(SystemError) -> IOResult<T> {
    while true {
        let result = body()
        if result != -1 { return .processed(result) }
        let code = clinux_errno()
        switch code {
        case EINTR: continue
        case EAGAIN: return .wouldBlock
        case EBADF, EFAULT: preconditionFailure("\(name): \(String(cString: strerror(code)))")
        default: throw SystemError(call: "\(name)", errno: code)
        }
    }
}

/// The same as `syscall` for calls that never legitimately block (epoll_ctl, bind, listen).
@inline(__always)
func syscallBlocking<T: FixedWidthInteger>(_ name: StaticString, _ body: () -> T) throws(SystemError) -> T {
    switch try syscall(name, body) {
    case .processed(let value): return value
    case .wouldBlock: throw SystemError(call: "\(name)", errno: EAGAIN)
    }
}
