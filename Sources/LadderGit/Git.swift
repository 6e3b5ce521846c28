import CLadderTLS
import Clibgit2
import Foundation

/// libgit2 is initialised exactly once, the first time any repository is opened. Parsing the
/// system CA bundle, which libgit2's mbedTLS backend does here, is deferred until a remote is
/// used (see `ladder_tls.h`): most commands never open a connection.
private let libgit2Initialised: Bool = {
    ladder_tls_defer_certificates(1)
    git_libgit2_init()
    ladder_tls_defer_certificates(0)
    // Refuse to write objects that reference missing objects; makes corruption loud.
    _ = ladder_git_enable_strict_object_creation(1)
    // Reads are not re-hashed, as with git; `git fsck` is the tool for checking object integrity.
    _ = ladder_git_enable_strict_hash_verification(0)
    // Ladder's walks read each commit once (the audit chain, the trunk's history): kept in
    // libgit2's object cache they only cost memory (up to 256 MB) and time. Trees, which
    // environment lookups read again and again, stay cached.
    _ = ladder_git_set_cache_object_limit(GIT_OBJECT_COMMIT, 0)
    return true
}()

func ensureLibgit2() {
    _ = libgit2Initialised
}

/// Parses the CA bundle whose loading was deferred at initialisation, once, before the first
/// connection to a remote. Without it an https connection fails certificate verification.
private let deferredCertificatesLoaded: Bool = {
    ensureLibgit2()
    guard let bundle = ladder_tls_deferred_bundle() else { return true }
    return ladder_git_set_ssl_cert_file(bundle) == 0
}()

/// Loads the deferred CA bundle if that has not happened yet; false if libgit2 refused it.
@discardableResult
func ensureCertificates() -> Bool {
    deferredCertificatesLoaded
}

/// Whether loading the CA bundle was deferred at initialisation (tests check the interposition).
var certificateLoadingWasDeferred: Bool {
    ensureLibgit2()
    return ladder_tls_deferred_count() > 0
}

/// A failure reported by libgit2: the operation Ladder attempted, libgit2's error class, code and message.
public struct GitError: Error, LocalizedError, Sendable, Equatable {
    /// libgit2 return codes that Ladder distinguishes (all exist in libgit2 1.5.1).
    public enum Code: Int32, Sendable {
        case generic = -1
        case notFound = -3
        case exists = -4
        case ambiguous = -5
        case bufferTooSmall = -6
        case user = -7
        case bareRepository = -8
        case unbornBranch = -9
        case unmerged = -10
        case nonFastForward = -11
        case invalidSpec = -12
        case conflict = -13
        case locked = -14
        case modified = -15
        case auth = -16
        case certificate = -17
        case applied = -18
        case peel = -19
        case endOfFile = -20
        case invalid = -21
        case uncommitted = -22
        case directory = -23
        case mergeConflict = -24
        case passthrough = -30
        case iterationOver = -31
        case retry = -32
        case mismatch = -33
        case indexDirty = -34
        case applyFailed = -35
        case owner = -36
        case unknown = -9999
    }

    /// What Ladder was doing, e.g. "lookup tree 1a2b3c4".
    public let operation: String
    public let code: Code
    /// The raw libgit2 return code.
    public let rawCode: Int32
    /// libgit2's error class (`git_error_t`), 0 when libgit2 gave none.
    public let errorClass: Int32
    public let message: String

    public init(operation: String, code: Code, rawCode: Int32? = nil, errorClass: Int32 = 0, message: String) {
        self.operation = operation
        self.code = code
        self.rawCode = rawCode ?? code.rawValue
        self.errorClass = errorClass
        self.message = message
    }

    public var errorDescription: String? { "\(operation): \(message)" }
}

/// Converts a libgit2 return code into a thrown `GitError`, reading `git_error_last()` at once on
/// the calling thread. Returns the code when it is not negative.
@discardableResult
func check(_ result: Int32, _ operation: @autoclosure () -> String) throws(GitError) -> Int32 {
    guard result < 0 else { return result }
    var message = "unknown libgit2 error"
    var errorClass: Int32 = 0
    if let last = git_error_last() {
        errorClass = last.pointee.klass
        if let text = last.pointee.message {
            message = String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
    throw GitError(
        operation: operation(),
        code: GitError.Code(rawValue: result) ?? .unknown,
        rawCode: result,
        errorClass: errorClass,
        message: Redaction.scrub(message)
    )
}

/// Removes credentials from text that may contain URLs (libgit2 messages quote remote URLs).
public enum Redaction {
    /// Replaces `user:password@` and `token@` in URLs with `***@`.
    public static func scrub(_ text: String) -> String {
        guard text.contains("@") else { return text }
        var result = ""
        var remaining = Substring(text)
        while let range = remaining.range(of: "://") {
            result += remaining[..<range.upperBound]
            remaining = remaining[range.upperBound...]
            let authorityEnd = remaining.firstIndex(where: { $0 == "/" || $0 == " " || $0 == "'" || $0 == "\"" }) ?? remaining.endIndex
            let authority = remaining[..<authorityEnd]
            if let at = authority.lastIndex(of: "@") {
                result += "***@"
                remaining = remaining[remaining.index(after: at)...]
            }
        }
        result += remaining
        return result
    }
}
