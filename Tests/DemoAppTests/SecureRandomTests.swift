import DemoApp
import Testing

@Suite struct SecureRandomTests {
    @Test func givesTheBytesAskedForAndNeverTheSameTwice() {
        #expect(SecureRandom.bytes(0).isEmpty)
        let tokens = (0..<64).map { _ in SecureRandom.bytes(32) }
        #expect(tokens.allSatisfy { $0.count == 32 })
        #expect(Set(tokens).count == tokens.count)
        // 2,048 random bytes: every byte value turns up with overwhelming probability (a stuck source fails).
        #expect(Set(tokens.joined()).count > 200)
    }
}
