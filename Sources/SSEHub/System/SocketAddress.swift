import Glibc

/// Numeric socket addresses. Names are never resolved here: resolving blocks, and the loop must not block.
enum SocketAddress {
    static func fill(_ storage: inout sockaddr_storage, host: String, port: Int) throws(SystemError) -> socklen_t {
        guard (0...65535).contains(port) else { throw SystemError(call: "bind(port \(port))", errno: EINVAL) }
        let literal = host == "localhost" ? "127.0.0.1" : host
        return try withUnsafeMutablePointer(to: &storage) { (pointer) throws(SystemError) -> socklen_t in
            var v4 = in_addr()
            if inet_pton(AF_INET, literal, &v4) == 1 {
                return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    $0.pointee.sin_family = sa_family_t(AF_INET)
                    $0.pointee.sin_port = in_port_t(UInt16(port).bigEndian)
                    $0.pointee.sin_addr = v4
                    return socklen_t(MemoryLayout<sockaddr_in>.size)
                }
            }
            var v6 = in6_addr()
            if inet_pton(AF_INET6, literal, &v6) == 1 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    $0.pointee.sin6_family = sa_family_t(AF_INET6)
                    $0.pointee.sin6_port = in_port_t(UInt16(port).bigEndian)
                    $0.pointee.sin6_addr = v6
                    return socklen_t(MemoryLayout<sockaddr_in6>.size)
                }
            }
            throw SystemError(call: "inet_pton(\(host))", errno: EINVAL)
        }
    }

    static func port(of storage: sockaddr_storage) -> Int {
        var copy = storage
        return withUnsafePointer(to: &copy) { pointer in
            if Int32(storage.ss_family) == AF_INET6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    Int(UInt16(bigEndian: $0.pointee.sin6_port))
                }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                Int(UInt16(bigEndian: $0.pointee.sin_port))
            }
        }
    }
}
