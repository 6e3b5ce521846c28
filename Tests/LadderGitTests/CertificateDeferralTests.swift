import Foundation
@testable import LadderGit
import Testing

/// libgit2's mbedTLS backend parses the system CA bundle at initialisation; Ladder defers that
/// until a remote is used. On a system with the bundle (Debian's ca-certificates, which the
/// libgit2-dev package pulls in) the deferral must be active and the later load must succeed.
@Suite struct CertificateDeferralTests {
    static let bundle = "/etc/ssl/certs/ca-certificates.crt"

    @Test(.enabled(if: FileManager.default.fileExists(atPath: bundle)))
    func bundleIsParsedOnlyWhenARemoteNeedsIt() throws {
        #expect(certificateLoadingWasDeferred)
        // The real parser runs behind the interposed symbol and libgit2 accepts the bundle.
        #expect(ensureCertificates())
        #expect(ensureCertificates())
    }
}
