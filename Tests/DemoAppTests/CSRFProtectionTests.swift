import DemoApp
import SSEHub
import Testing

@Suite struct CSRFProtectionTests {
    func post(_ headers: [(String, String)]) -> HTTPRequest {
        HTTPRequest(method: "POST", target: "/boards", headers: HTTPHeaders([("Host", "hub.test:8080")] + headers))
    }

    @Test func safeMethodsAreNotChecked() {
        let get = HTTPRequest(method: "GET", target: "/", headers: HTTPHeaders([("Sec-Fetch-Site", "cross-site")]))
        #expect(CSRFProtection.problem(with: get, expected: nil, formToken: nil) == nil)
    }

    @Test func aStateChangeNeedsTheSiteAndTheToken() {
        let same = ("Sec-Fetch-Site", "same-origin")
        #expect(
            CSRFProtection.problem(with: post([same, ("X-CSRF-Token", "t0k")]), expected: "t0k", formToken: nil) == nil)
        #expect(CSRFProtection.problem(with: post([same]), expected: "t0k", formToken: "t0k") == nil)
        #expect(
            CSRFProtection.problem(with: post([same]), expected: "t0k", formToken: "t0x")?.contains("does not match")
                == true)
        #expect(CSRFProtection.problem(with: post([same]), expected: "t0k", formToken: "t0") != nil)
        #expect(
            CSRFProtection.problem(with: post([same]), expected: "t0k", formToken: nil)?.contains("missing") == true)
        #expect(CSRFProtection.problem(with: post([same]), expected: nil, formToken: "t0k") != nil)
        #expect(CSRFProtection.problem(with: post([same]), expected: "", formToken: "") != nil)
    }

    @Test func theSiteComesFromFetchMetadataOrElseTheOrigin() {
        for site in ["cross-site", "same-site", "none"] {
            #expect(!CSRFProtection.isSameOrigin(post([("Sec-Fetch-Site", site), ("Origin", "http://hub.test:8080")])))
        }
        #expect(CSRFProtection.isSameOrigin(post([("Origin", "http://HUB.test:8080")])))
        #expect(!CSRFProtection.isSameOrigin(post([("Origin", "http://hub.test")])))
        #expect(!CSRFProtection.isSameOrigin(post([("Origin", "http://evil.test")])))
        #expect(!CSRFProtection.isSameOrigin(post([("Origin", "null")])))
        #expect(!CSRFProtection.isSameOrigin(post([("Origin", "http://hub.test:8080/x")])))
        #expect(!CSRFProtection.isSameOrigin(post([])))
    }
}
