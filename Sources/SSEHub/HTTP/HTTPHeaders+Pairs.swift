extension HTTPHeaders {
    /// Header fields from `(name, value)` pairs, in order: for requests built in code, such as a route tested
    /// without a socket.
    /// - Precondition: no name or value contains CR, LF or NUL (they could not have arrived in one field).
    public init(_ pairs: [(String, String)]) {
        var storage: [UInt8] = []
        var fields: [(name: Range<Int>, value: Range<Int>)] = []
        for (name, value) in pairs {
            precondition(
                !(name + value).utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 },
                "header \(name) has CR, LF or NUL")
            let nameStart = storage.count
            storage.append(contentsOf: name.utf8)
            let valueStart = storage.count
            storage.append(contentsOf: value.utf8)
            fields.append((nameStart..<valueStart, valueStart..<storage.count))
        }
        self.init(storage: storage, fields: fields)
    }
}
