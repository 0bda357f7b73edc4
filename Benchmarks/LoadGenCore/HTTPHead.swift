/// Where an HTTP response head ends in bytes read so far: the clients of the load generator and the soak
/// read a stream's head before its events.
public enum HTTPHead {
    /// The index just past the blank line (CRLF CRLF) that ends the head, or nil when it has not come yet.
    public static func end(in bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index + 4
        }
        return nil
    }
}
