/// The channels a token lets its holder subscribe or publish to: names, and prefixes written with a trailing
/// `*` (`board:*` is every channel whose name starts with `board:`; `*` alone is every channel). A `*`
/// anywhere else is an ordinary character, which no channel name contains, so it matches nothing.
package struct ChannelGrant: Sendable, Equatable {
    let exact: Set<String>
    let prefixes: [String]

    /// Every channel (the publish token grants this).
    package static let everything = ChannelGrant(patterns: ["*"])
    /// No channel (a token without the `ssehub` claim, or without the list).
    package static let nothing = ChannelGrant(patterns: [])

    package init(patterns: [String]) {
        var exact = Set<String>()
        var prefixes: [String] = []
        for pattern in patterns {
            if pattern.hasSuffix("*") { prefixes.append(String(pattern.dropLast())) } else { exact.insert(pattern) }
        }
        self.exact = exact
        self.prefixes = prefixes
    }

    package func allows(_ channel: String) -> Bool {
        exact.contains(channel) || prefixes.contains { channel.hasPrefix($0) }
    }

    /// The first of `channels` not allowed, or nil when all are.
    package func firstRefused(_ channels: [String]) -> String? {
        channels.first { !allows($0) }
    }
}

/// What a verified token grants, and until when.
package struct TokenGrant: Sendable {
    package var subscribe: ChannelGrant
    package var publish: ChannelGrant
    /// `exp` plus the leeway, in seconds since the Unix epoch; nil when the token has no `exp`.
    package var validUntil: Double?
}
