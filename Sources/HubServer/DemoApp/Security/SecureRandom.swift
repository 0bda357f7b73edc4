import CLinuxSys
import Glibc

/// Random bytes from the kernel's CSPRNG (`getrandom(2)`), for session tokens, CSRF tokens and salts.
public enum SecureRandom {
    /// `count` random bytes. Blocks only before the kernel's pool is first seeded (early boot), never after.
    public static func bytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { getrandom($0.baseAddress! + filled, count - filled, 0) }
            if got < 0 {
                // EINTR: interrupted by a signal before any byte; anything else means no randomness at all,
                // and a guessable token must never be handed out.
                precondition(errno == EINTR, "getrandom failed: errno \(errno)")
                continue
            }
            filled += got
        }
        return bytes
    }
}
