import CFuzzer
import Glibc

/// Starts a fuzz target. Built with `-sanitize=fuzzer -DFUZZING` (scripts/fuzz), it hands the process to
/// libFuzzer with `callback` as the target. Built without (the normal `swift build`), it replays the files and
/// folders named on the command line through `callback` once each, so a corpus or a crash file can be re-run
/// without the fuzzer, and the target cannot rot between fuzzing runs. Runs on the main thread only.
package enum FuzzDriver {
    package typealias Callback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    package static func run(_ callback: Callback) -> Never {
        #if FUZZING
            var argc = CommandLine.argc
            var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
            exit(LLVMFuzzerRunDriver(&argc, &argv, callback))
        #else
            var files = 0
            for argument in CommandLine.arguments.dropFirst() {
                for path in paths(under: argument) {
                    guard let bytes = read(path) else {
                        print("cannot read \(path)")
                        exit(2)
                    }
                    _ = bytes.withUnsafeBufferPointer { callback($0.baseAddress, $0.count) }
                    files += 1
                }
            }
            print("ran \(files) inputs")
            exit(0)
        #endif
    }

    /// `path` itself, or the regular files directly inside it when it is a folder (a libFuzzer corpus is flat).
    static func paths(under path: String) -> [String] {
        guard let folder = opendir(path) else { return [path] }
        defer { closedir(folder) }
        var found: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(cString: $0.bindMemory(to: CChar.self).baseAddress!)
            }
            if name.hasPrefix(".") { continue }
            found.append(path + "/" + name)
        }
        return found.sorted()
    }

    static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 { return nil }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }
}
