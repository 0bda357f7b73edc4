extension EventLoop {
    /// Queues `frame` for `connection` and marks it for the flush before the next wait.
    func enqueue(_ frame: Frame, to connection: Connection) {
        connection.outbound.append(frame)
        markDirty(connection)
    }

    func markDirty(_ connection: Connection) {
        guard !connection.isDirty else { return }
        connection.isDirty = true
        dirty.append(connection)
    }

    /// "Write before sleep": every connection with queued bytes writes once per turn.
    func flushDirty() {
        guard !dirty.isEmpty else { return }
        // By index: a flush that drains may resume reading held requests, whose answers join `dirty` and must
        // go out in this pass too. Bounded: what is held is at most one read, and no read happens here.
        var index = 0
        while index < dirty.count {
            let connection = dirty[index]
            index += 1
            connection.isDirty = false
            flush(connection)
        }
        dirty.removeAll(keepingCapacity: dirty.capacity <= 65536)
        if !unflushedPublishTimes.isEmpty {
            let now = MonotonicClock.now()
            for publishedAt in unflushedPublishTimes { metrics.publishToWrite.observe(now &- publishedAt) }
            unflushedPublishTimes.removeAll(keepingCapacity: true)
        }
        closeDoomed()
    }

    /// Writes what the socket takes. `EPOLLOUT` is asked for only after a short write, and dropped once the
    /// queue drains.
    func flush(_ connection: Connection) {
        guard !connection.isClosed else { return }
        let unsent = connection.outbound.pendingBytes
        do {
            let result = try connection.outbound.flush(fd: connection.fd, vectors: iovecs)
            // Counted here: what a failed write leaves is discarded, not written, and a drained queue may take
            // new answers below (held requests read again).
            metrics.bytesWritten += unsent - connection.outbound.pendingBytes
            switch result {
            case .drained:
                if connection.closeAfterFlush {
                    closeAfterAnswer(connection)
                    return
                }
                if connection.waitingForDrain {
                    connection.waitingForDrain = false
                    connection.wantsWritable = false
                    resumeReading(connection)
                } else if connection.wantsWritable {
                    setWritable(connection, false)
                }
            case .partial:
                if !connection.wantsWritable { setWritable(connection, true) }
            }
        } catch {
            // EPIPE, ECONNRESET: the peer is gone.
            close(connection)
        }
    }

    private func setWritable(_ connection: Connection, _ wanted: Bool) {
        connection.wantsWritable = wanted
        updateInterest(connection)
    }

    /// Tells epoll what the connection waits for now; the one place that computes it, so a write that
    /// drains cannot turn reading back on while reading is held.
    func updateInterest(_ connection: Connection) {
        var interest: Interest = connection.wantsRead ? .read : []
        if connection.wantsWritable { interest.insert(.write) }
        do {
            try selector.reregister(fd: connection.fd, generation: connection.generation, interest: interest)
        } catch {
            doomed.append(connection)
        }
    }
}
