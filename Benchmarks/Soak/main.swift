import Glibc
import LoadGenCore

/// soak: the chaos soak of two hubs and one Redis (Benchmarks/soak runs it). Loopback only, bounded.
///
///   soak run [--seconds S --subscribers N --processes P --channels C --http-rate R --in-process-rate R
///             --replay N --life S --hub PATH --soak-hub PATH --work DIR --report FILE]
///   soak subscribe ...   (a worker; started by `run`)
signal(SIGPIPE, SIG_IGN)
var arguments = Array(CommandLine.arguments.dropFirst())
let command = arguments.isEmpty ? "" : arguments.removeFirst()
let values = OptionValues(arguments)

func value<T: LosslessStringConvertible>(_ name: String, _ fallback: T) -> T { values.value(name, fallback) }

switch command {
case "subscribe":
    var options = SubscriberPool.Options()
    options.ports = (values.values["ports"] ?? "").split(separator: ",").compactMap { Int($0) }
    options.channels = value("channels", options.channels)
    options.count = value("count", options.count)
    options.offset = value("offset", options.offset)
    options.meanLifeSeconds = value("life", options.meanLifeSeconds)
    SubscriberPool(options: options).run()
case "run":
    var options = Driver.Options()
    options.seconds = value("seconds", options.seconds)
    options.subscribers = value("subscribers", options.subscribers)
    options.processes = value("processes", options.processes)
    options.channels = value("channels", options.channels)
    options.httpRate = value("http-rate", options.httpRate)
    options.inProcessRate = value("in-process-rate", options.inProcessRate)
    options.replay = value("replay", options.replay)
    options.meanLifeSeconds = value("life", options.meanLifeSeconds)
    options.hub = value("hub", options.hub)
    options.soakHub = value("soak-hub", options.soakHub)
    options.work = value("work", options.work)
    options.report = value("report", options.report)
    exit(Driver(options: options).run())
default:
    print("usage: soak run|subscribe --option value ...")
    exit(2)
}
