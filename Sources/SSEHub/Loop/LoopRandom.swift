/// A small, fast pseudo-random generator (SplitMix64) for spreading reconnects: the drain's final `retry:` and
/// each stream's lifetime jitter. Not for secrets. Seeded once from the system generator; each loop owns one and
/// touches it on its thread only, so drawing a number costs no syscall and no lock.
struct LoopRandom: RandomNumberGenerator {
    private var state: UInt64

    init() {
        var system = SystemRandomNumberGenerator()
        state = system.next()
    }

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
