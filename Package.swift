// swift-tools-version: 6.1
import PackageDescription

/// The libFuzzer targets (name, folder under Tests/Fuzz, modules it fuzzes); scripts/fuzz runs every one.
let fuzzTargets: [(String, String, [Target.Dependency])] = [
    ("fuzz-http-parser", "HTTPParser", ["SSEHub"]),
    ("fuzz-json", "JSON", ["SSEHub"]),
    ("fuzz-form-utf8", "FormUTF8", ["SSEHub"]),
    ("fuzz-template", "Template", ["SSEHub"]),
    ("fuzz-redis", "Redis", ["SSEHub", "Broadcast", "CHiredis"]),
    ("fuzz-event-id", "EventID", ["SSEHub"]),
    ("fuzz-jwt", "JWT", ["SSEHub", "CCrypto"]),
]

// Warnings are errors in every target: the hub is built with `-warnings-as-errors` by the README's commands
// (SwiftPM refuses `unsafeFlags` in packages used as dependencies, so the flag is passed on the command line).
let package = Package(
    name: "SSEHub",
    products: [
        .library(name: "SSEHub", targets: ["SSEHub"]),
        .library(name: "Broadcast", targets: ["Broadcast"]),
        .executable(name: "hub", targets: ["HubServer"]),
    ],
    targets: [
        .systemLibrary(name: "CLinuxSys", path: "Sources/CLinuxSys"),
        .systemLibrary(name: "CHiredis", path: "Sources/CHiredis"),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .systemLibrary(name: "CArgon2", path: "Sources/CArgon2"),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto"),
        // CCrypto: JWT signatures (HMAC, RSA, ECDSA) are checked by libcrypto, never by code of our own.
        .target(name: "SSEHub", dependencies: ["CLinuxSys", "CCrypto"]),
        .target(name: "Broadcast", dependencies: ["SSEHub", "CHiredis"]),
        // The demo site (accounts, boards, its SQLite store): a library inside HubServer so tests can import it.
        .target(
            name: "DemoApp", dependencies: ["Broadcast", "CLinuxSys", "CSQLite", "CArgon2", "CCrypto"],
            path: "Sources/HubServer/DemoApp"),
        .executableTarget(name: "HubServer", dependencies: ["Broadcast", "DemoApp"], exclude: ["DemoApp"]),
        // The README's in-process example, compiled with the package so the README cannot drift from the API.
        .executableTarget(name: "broadcast-example", dependencies: ["Broadcast"], path: "Examples/InProcess"),
        // Data/ holds test data read by path (the Mustache spec's cases and the script that writes them).
        .testTarget(name: "SSEHubTests", dependencies: ["SSEHub", "Broadcast", "DemoApp"], exclude: ["Data"]),
        .testTarget(name: "DemoAppTests", dependencies: ["DemoApp"]),
        // The load generator (Benchmarks/run drives it; `swift test` only tests its core). LoadGenCore is shared
        // with the soak: worker processes, the event-stream parser, option and head parsing.
        .target(name: "LoadGenCore", path: "Benchmarks/LoadGenCore"),
        .executableTarget(
            name: "loadgen", dependencies: ["LoadGenCore", "CLinuxSys", "SSEHub"], path: "Benchmarks/LoadGen"),
        .testTarget(name: "LoadGenTests", dependencies: ["LoadGenCore"]),
        .executableTarget(name: "template-bench", dependencies: ["SSEHub"], path: "Benchmarks/TemplateBench"),
        // The demo site's sign-ups, logins and page renders over HTTP (Benchmarks/run drives it).
        .executableTarget(name: "app-bench", path: "Benchmarks/AppBench"),
        // The chaos soak (Benchmarks/soak): its driver and subscriber workers, and a hub that publishes in-process.
        .executableTarget(name: "soak", dependencies: ["CLinuxSys", "LoadGenCore"], path: "Benchmarks/Soak"),
        .executableTarget(name: "soak-hub", dependencies: ["Broadcast"], path: "Benchmarks/SoakHub"),
        // libFuzzer targets (scripts/fuzz builds them with -sanitize=fuzzer,address -DFUZZING). A plain build
        // compiles them too, as programs that replay the corpus files they are given.
        .systemLibrary(name: "CFuzzer", path: "Tests/Fuzz/CFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzer"], path: "Tests/Fuzz/Support"),
    ]
        + fuzzTargets.map { name, path, dependencies in
            .executableTarget(name: name, dependencies: ["FuzzSupport"] + dependencies, path: "Tests/Fuzz/" + path)
        },
    swiftLanguageModes: [.v6]
)
