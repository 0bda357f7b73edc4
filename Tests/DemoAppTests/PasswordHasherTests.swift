import DemoApp
import Testing

@Suite struct PasswordHasherTests {
    @Test func hashesWithArgon2idAtOWASPParametersAndVerifies() {
        let hasher = PasswordHasher()
        let encoded = hasher.hash("correct horse battery")
        #expect(encoded.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(!encoded.contains("correct horse"))
        #expect(hasher.verify("correct horse battery", against: encoded))
        #expect(!hasher.verify("correct horse batterx", against: encoded))
        #expect(!hasher.verify("", against: encoded))
        #expect(!hasher.needsRehash(encoded))
    }

    @Test func saltsEveryHashAndVerifiesOlderParameters() {
        var weak = PasswordHasher()
        weak.memoryKiB = 1024
        weak.passes = 1
        let old = weak.hash("pässwörd ✓ long enough")
        let strong = PasswordHasher()
        #expect(strong.verify("pässwörd ✓ long enough", against: old), "the parameters travel with the hash")
        #expect(strong.needsRehash(old))
        #expect(strong.hash("same") != strong.hash("same"))
    }

    @Test func anythingButAnArgon2idHashMatchesNothing() {
        let hasher = PasswordHasher()
        for encoded in [
            "", "plain", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA", "$argon2id$v=19$m=1,t=1,p=1$$",
        ] {
            #expect(!hasher.verify("plain", against: encoded), "\(encoded)")
        }
    }
}
