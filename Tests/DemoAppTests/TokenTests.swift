import DemoApp
import Testing

@Suite struct TokenTests {
    @Test func sha256MatchesTheKnownAnswers() {
        // FIPS 180-2 appendix B.1 and the empty message.
        #expect(
            hex(Digest.sha256(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex(Digest.sha256([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func comparesSecretsByValue() {
        #expect(Digest.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!Digest.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!Digest.constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(Digest.constantTimeEqual([], []))
    }

    @Test func aTokenRoundTripsThroughItsCookieFormOnly() throws {
        let token = Token()
        #expect(token.bytes.count == 32)
        #expect(token.text.count == 43)
        #expect(
            token.text.utf8.allSatisfy { $0 != UInt8(ascii: "=") && $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "/") }
        )
        #expect(Token(token.text) == token)
        #expect(token.storedHash == Digest.sha256(token.bytes))
        #expect(token.storedHash != token.bytes)
        // Not 32 bytes, a character outside base64url, or a non-canonical last character: no token.
        for bad in ["", "abc", String(token.text.dropLast()), token.text + "A", "*" + token.text.dropFirst()] {
            #expect(Token(bad) == nil, "\(bad)")
        }
        // 43 characters carry 258 bits for 256: the last one's two low bits must be zero, one spelling each.
        #expect(Token(String(repeating: "A", count: 42) + "E") != nil)
        #expect(Token(String(repeating: "A", count: 42) + "B") == nil)
    }

    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
