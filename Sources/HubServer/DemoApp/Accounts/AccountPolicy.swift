/// The rules of accounts that are numbers: every one explicit, so tests can meet them at their edges.
public struct AccountPolicy: Sendable {
    public var minimumPasswordCharacters = 10
    /// Argon2 takes any length; the bound keeps one request from hashing megabytes.
    public var maximumPasswordBytes = 1024
    public var maximumNameCharacters = 100
    /// RFC 5321 §4.5.3.1.3: a path holds at most 256 octets, so an address at most 254.
    public var maximumEmailBytes = 254
    /// Sessions slide: each use moves expiry to now plus this (30 days)...
    public var sessionLifetime: Int64 = 30 * 24 * 3600
    /// ...but at most once per this interval (a day), so reading pages neither writes SQLite nor re-sends the
    /// cookie on every request. Every slide re-sends the cookie with a full `Max-Age`, so browser and server
    /// always agree on the expiry; the price of the interval is that an idle session ends between 29 and 30
    /// days after its last use.
    public var sessionExtensionInterval: Int64 = 24 * 3600
    /// After `throttleFailures` failed logins for one email or one address within `throttleWindow` seconds,
    /// logins from them are refused until the oldest failure leaves the window.
    public var throttleFailures = 5
    public var throttleWindow: Int64 = 15 * 60

    public init() {}
}
