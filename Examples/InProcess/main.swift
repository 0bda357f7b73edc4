import Broadcast
import Dispatch

// Start a hub (GET /events/{channel}, POST /broadcast, GET /health) on a free port.
var configuration = HubConfiguration()
configuration.port = 0
let broadcaster = try Broadcaster.start(configuration)
print("hub listening on port \(broadcaster.hub.port)")

// Subscribe in-process: an AsyncSequence bounded like every HTTP subscriber.
let updates = try broadcaster.subscribe(to: "news")

// Publish from any thread: broadcast returns the event id at once; the hub's loops do the writing.
DispatchQueue.concurrentPerform(iterations: 3) { worker in
    let id = try? broadcaster.broadcast(channel: "news", event: "update", data: "hello from worker \(worker)")
    print("published \(id.map(String.init(describing:)) ?? "nothing")")
}

var received = 0
for await event in updates {
    print("received \(event.id) \(event.event ?? "message"): \(event.data)")
    received += 1
    if received == 3 { break }
}
broadcaster.shutdown()
