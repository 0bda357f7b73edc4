import Synchronization

extension Hub {
    /// Asks every loop for a copy of its counters (through its inbox, so no loop is blocked or locked) and
    /// calls `completion` with them, indexed by loop, on the thread of the loop that answered last. A hub that
    /// is shutting down may never answer; the deferred route's deadline covers that.
    func gatherLoopMetrics(_ completion: @escaping @Sendable ([LoopMetrics]) -> Void) {
        let gathering = Mutex((copies: [LoopMetrics](repeating: LoopMetrics(), count: loops.count), left: loops.count))
        for index in loops.indices {
            run(onLoop: index) { context in
                let copy = context.loop.metricsCopy()
                let all = gathering.withLock { state -> [LoopMetrics]? in
                    state.copies[index] = copy
                    state.left -= 1
                    return state.left == 0 ? state.copies : nil
                }
                if let all { completion(all) }
            }
        }
    }

    /// The `GET /metrics` page from the loops' copies and the hub's shared counters.
    func metricsText(loops perLoop: [LoopMetrics]) -> String {
        var total = LoopMetrics()
        for loop in perLoop { total.add(loop) }
        let (channelCount, subscribers) = table.withLock { ($0.channels.count, $0.subscriberCount) }
        var page = PrometheusText()
        page.add(
            "ssehub_build_info", .gauge, "The hub's version, as a label; always 1.",
            samples: [([("version", Hub.version)], 1)])
        page.add(
            "ssehub_uptime_seconds", .gauge, "Seconds since the hub started.", samples: [([], uptime.rounded())])
        page.add("ssehub_draining", .gauge, "1 once a drain (SIGTERM) has begun.", isDraining ? 1 : 0)
        page.add("ssehub_connections_open", .gauge, "Open TCP connections.", stats.read(.openConnections))
        page.add(
            "ssehub_connections_accepted_total", .counter, "TCP connections accepted.",
            stats.read(.acceptedConnections))
        page.add("ssehub_streams_open", .gauge, "Open event streams.", stats.read(.openStreams))
        page.add(
            "ssehub_subscribers", .gauge, "Subscriptions on this hub (a stream of several channels counts each).",
            subscribers)
        page.add("ssehub_channels", .gauge, "Channels the hub holds (with subscribers or stored events).", channelCount)
        page.add(
            "ssehub_events_published_total", .counter, "Events published on this hub.", stats.read(.eventsPublished))
        page.add(
            "ssehub_deliveries_total", .counter, "Events queued to a subscriber (one per subscriber per event).",
            total.deliveries)
        page.add("ssehub_written_bytes_total", .counter, "Bytes written to clients.", total.bytesWritten)
        page.add(
            "ssehub_coalesced_events_total", .counter,
            "Unsent events a newer one of the same key replaced for a lagging subscriber.", total.coalescedEvents)
        page.add(
            "ssehub_slow_subscribers_dropped_total", .counter, "Subscribers disconnected past their backlog limit.",
            stats.read(.slowSubscribersDropped))
        var resets = ResetReason.allCases.map { reason in
            ([("reason", reason.label)], Double(total.resets[reason.rawValue]))
        }
        resets[ResetReason.brokerGap.rawValue].1 = Double(stats.read(.gapResets))
        page.add("ssehub_resets_total", .counter, "reset events sent to streams, by reason.", samples: resets)
        page.add(
            "ssehub_replayed_events_total", .counter, "Stored events sent to resuming streams.", total.replayedEvents)
        page.add("ssehub_keepalives_total", .counter, "Keepalive comments sent to idle streams.", total.keepalives)
        page.add(
            "ssehub_accept_pauses_total", .counter, "Times accepting paused because descriptors ran out.",
            stats.read(.acceptPauses))
        page.add(
            "ssehub_http_responses_total", .counter, "Answers written, by status class (streams count as 2xx).",
            samples: (1...5).map { ([("class", "\($0)xx")], Double(total.answersByClass[$0])) })
        page.addHistogram(
            "ssehub_publish_to_write_seconds", "Time from an event's publish to its write, once per event per loop.",
            bounds: LatencyHistogram.bounds.map { Double($0) / 1e9 }, counts: total.publishToWrite.counts,
            sum: Double(total.publishToWrite.sumNanoseconds) / 1e9)
        page.add(
            "ssehub_outbound_queue_bytes", .gauge, "Bytes queued for clients and not yet written.", total.outboundBytes)
        page.add(
            "ssehub_outbound_queue_high_water_bytes", .gauge, "The largest backlog one subscriber reached.",
            total.outboundHighWater)
        func perLoopFamily(_ name: String, _ help: String, _ value: (LoopMetrics) -> Int) {
            page.add(
                name, .counter, help,
                samples: perLoop.enumerated().map { ([("loop", String($0.offset))], Double(value($0.element))) })
        }
        perLoopFamily("ssehub_loop_readiness_events_total", "Readiness reports an event loop handled.") {
            $0.readinessEvents
        }
        perLoopFamily("ssehub_loop_wakeups_total", "Wake-ups of an event loop by another thread.") { $0.wakeups }
        perLoopFamily("ssehub_loop_turns_total", "Turns (epoll waits) of an event loop.") { $0.turns }
        relay?.writeMetrics(to: &page)
        return page.text
    }
}

extension EventLoop {
    /// The loop's counters, with the bytes now queued across its connections.
    func metricsCopy() -> LoopMetrics {
        var copy = metrics
        for case let connection? in connections { copy.outboundBytes += connection.outbound.pendingBytes }
        return copy
    }
}
