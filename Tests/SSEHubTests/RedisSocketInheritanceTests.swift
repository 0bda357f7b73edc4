import Broadcast
import Glibc
import Testing

@testable import SSEHub

/// hiredis 0.14.1 opens its sockets without close-on-exec. A process the hub's program spawns (a hub or a
/// redis-server a test starts, a subprocess of an app embedding the hub) then holds a copy of each: when the hub
/// drops a connection, Redis still sees it open, and a subscriber the hub gave up on after a freeze stays
/// subscribed beside its replacement (RedisDegradedIDTests saw four subscribers for two hubs).
extension RedisGroupTests {
    @Test func theHubsRedisSocketsAreNotInheritedByProcessesItsProgramSpawns() throws {
        let redis = try RedisServer()
        try withGroup(1, redis: redis) { _, _ in
            let sockets = try Self.socketsConnected(toPort: redis.port)
            #expect(sockets.count >= 2, "a publisher and a subscriber connection: \(sockets)")
            for fd in sockets {
                #expect(fcntl(fd, F_GETFD) & FD_CLOEXEC != 0, "fd \(fd), a Redis connection, is inherited on exec")
            }
        }
    }

    /// This process's descriptors whose TCP socket's remote end is `port` on loopback (/proc/net/tcp gives each
    /// connection's inode; /proc/self/fd links each descriptor to one).
    static func socketsConnected(toPort port: Int) throws -> [Int32] {
        let hex = String(port, radix: 16, uppercase: true)
        let remote = "0100007F:" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        var inodes: Set<Substring> = []
        let table = try #require(fopen("/proc/net/tcp", "r"))
        defer { fclose(table) }
        var line = [CChar](repeating: 0, count: 512)
        while fgets(&line, Int32(line.count), table) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let fields = text.split(separator: " ")
            // sl, local_address, rem_address, st (01: established), ..., the inode tenth.
            guard fields.count > 9, fields[2] == remote, fields[3] == "01" else { continue }
            inodes.insert(fields[9])
        }
        let directory = try #require(opendir("/proc/self/fd"))
        defer { closedir(directory) }
        var found: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let fd = Int32(name) else { continue }
            var target = [CChar](repeating: 0, count: 256)
            let length = readlink("/proc/self/fd/\(name)", &target, 255)
            let link = String(decoding: target[..<max(length, 0)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard link.hasPrefix("socket:["), inodes.contains(link.dropFirst(8).dropLast()) else { continue }
            found.append(fd)
        }
        return found
    }
}
