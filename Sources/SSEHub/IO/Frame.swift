/// The exact bytes of one encoded SSE event (or of one HTTP response), shared by every queue that sends it.
///
/// An event is encoded once by its publisher; every subscriber's outbound queue holds a reference to the same
/// storage, never a copy. The storage is its own allocation so `writev` may point into it for as long as the
/// frame is alive.
// @unchecked: the bytes are written once in init and only read afterwards, from any thread; they are freed in
// deinit, when no queue or ring holds the frame any more.
package final class Frame: @unchecked Sendable {
    let storage: UnsafeRawBufferPointer
    /// The event's place in this hub's own delivery order (monotonic, never reused); 0 for frames that are not
    /// events (heads, comments, replies). Fan-out deduplication and live floors use it.
    package let sequence: UInt64
    /// The event's id as clients see it (this hub's, or the one a relay's broker gave it); nil for non-events.
    package let id: EventID?
    /// When the event was published (monotonic nanoseconds), for the publish-to-write histogram; 0 for
    /// frames that are not live events.
    let publishedAt: UInt64
    /// The key of an event published with one to a channel that coalesces (`HubConfiguration.coalescePrefixes`):
    /// a lagging subscriber keeps only the newest unsent frame of each. nil for every other frame.
    let coalesceKey: CoalesceKey?

    package convenience init(bytes: some Collection<UInt8>, sequence: UInt64 = 0, id: EventID? = nil) {
        self.init(prefix: EmptyCollection(), body: bytes, sequence: sequence, id: id)
    }

    /// A frame of `prefix` followed by `body`, copied once into the frame's own storage.
    init(
        prefix: some Collection<UInt8>, body: some Collection<UInt8>, sequence: UInt64, id: EventID?,
        publishedAt: UInt64 = 0, coalesceKey: CoalesceKey? = nil
    ) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: prefix.count + body.count, alignment: 1)
        buffer.copyBytes(from: prefix)
        UnsafeMutableRawBufferPointer(rebasing: buffer[prefix.count...]).copyBytes(from: body)
        storage = UnsafeRawBufferPointer(buffer)
        self.sequence = sequence
        self.id = id
        self.publishedAt = publishedAt
        self.coalesceKey = coalesceKey
    }

    deinit {
        storage.deallocate()
    }

    package var count: Int { storage.count }

    package var bytes: [UInt8] { Array(storage) }
}
