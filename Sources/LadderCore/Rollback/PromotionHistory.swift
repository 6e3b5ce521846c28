import Foundation
import LadderGit

/// A promotion that reached the trunk, found by its `Ladder-*` trailers.
public struct PromotionRecord: Sendable, Hashable {
    /// How the promotion branch reached the trunk.
    public enum Landing: String, Sendable, Hashable {
        /// A merge commit: the trailers are on its second-parent side.
        case mergeCommit = "merge_commit"
        /// The trunk commit carries the trailers itself: a squash (trailers in the squash message
        /// body) or a rebase (the promotion commit replayed), or a direct push of the branch.
        case linear
    }

    /// The `Ladder-Promotion` value.
    public let id: String
    public let from: String?
    public let to: String
    /// The `Ladder-Source-Commit` value, as written.
    public let sourceCommit: String?
    /// The commit holding the trailers.
    public let carrier: ObjectID
    /// The trunk commit (on the first-parent history) that brought the promotion in; the
    /// promotion's changes are this commit's changes against its first parent.
    public let commit: ObjectID
    public let landing: Landing
    /// The summary line of the commit holding the trailers.
    public let summary: String
    /// Committer time of the trunk commit.
    public let time: Date
}

/// The `Ladder-*` claims of a commit message.
///
/// Read from the trailer block first. A squash merge may bury the trailers inside the message (the
/// forge lists the squashed commits' messages, then adds its own lines), so `Ladder-*` lines
/// anywhere in the message count too, and last of all the hidden pull-request marker, which a
/// squash message built from the pull-request description carries.
struct LadderClaims: Equatable {
    var values: [String: String] = [:]

    init(message: String) {
        for trailer in Trailer.parse(message) where trailer.key.lowercased().hasPrefix("ladder-") {
            values[trailer.key.lowercased()] = trailer.value.trimmingCharacters(in: .whitespaces)
        }
        if values.isEmpty {
            for line in message.split(separator: "\n") {
                let text = line.trimmingCharacters(in: .whitespaces)
                guard text.lowercased().hasPrefix("ladder-"), let colon = text.firstIndex(of: ":") else { continue }
                let key = text[..<colon]
                guard !key.contains(" ") else { continue }
                let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                if !value.isEmpty { values[key.lowercased()] = value }
            }
        }
        if values.isEmpty, let marker = PullRequestMarker.find(in: message), let fields = marker.fields.objectValue {
            func field(_ name: String) -> String? { fields[name]?.stringValue }
            switch marker.kind {
            case .promotion:
                values["ladder-promotion"] = field("id")
                values["ladder-from"] = field("from")
                values["ladder-to"] = field("to")
                values["ladder-source-commit"] = field("source_commit")
            case .rollback:
                values["ladder-rollback"] = field("id")
                values["ladder-rollback-of"] = field("rollback_of")
                values["ladder-to"] = field("to")
            }
        }
    }

    subscript(key: String) -> String? { values[key.lowercased()] }

    var isRollback: Bool { self["Ladder-Rollback-Of"] != nil }
    /// A promotion claim: a promotion id and a target, and not a rollback.
    var isPromotion: Bool { !isRollback && self["Ladder-Promotion"] != nil && self["Ladder-To"] != nil }
}

extension Workspace {
    /// Promotions on the trunk's first-parent history from `start` (default: the workspace
    /// commit), newest first, into every environment. `visit` returns false to stop the walk.
    ///
    /// A trunk commit is a promotion when its own message claims one (squash and rebase merges)
    /// or, for a merge commit, when a commit of the merged side does (the newest such commit).
    /// Rollback commits are never promotions.
    public func walkPromotions(from start: ObjectID? = nil, _ visit: (PromotionRecord) throws -> Bool) throws {
        try repository.walk(from: [start ?? commitID], firstParent: true) { id in
            let commit = try repository.commit(id)
            let own = LadderClaims(message: commit.message)
            if own.isRollback { return true }
            if own.isPromotion {
                return try visit(record(own, carrier: commit, trunk: commit, landing: .linear))
            }
            guard commit.parentIDs.count > 1 else { return true }
            var found: PromotionRecord?
            var seen = 0
            try repository.walk(from: Array(commit.parentIDs.dropFirst()), hiding: [commit.parentIDs[0]]) { sideID in
                seen += 1
                let side = try repository.commit(sideID)
                let claims = LadderClaims(message: side.message)
                if claims.isRollback { return false }
                if claims.isPromotion {
                    found = record(claims, carrier: side, trunk: commit, landing: .mergeCommit)
                    return false
                }
                // A promotion branch holds one commit (plus, at most, merges of the trunk into it).
                return seen < 50
            }
            if let found { return try visit(found) }
            return true
        }
    }

    private func record(_ claims: LadderClaims, carrier: Commit, trunk: Commit, landing: PromotionRecord.Landing) -> PromotionRecord {
        PromotionRecord(
            id: claims["Ladder-Promotion"] ?? "", from: claims["Ladder-From"], to: claims["Ladder-To"] ?? "",
            sourceCommit: claims["Ladder-Source-Commit"], carrier: carrier.id, commit: trunk.id, landing: landing,
            summary: carrier.summary, time: trunk.committer.time)
    }

    /// The most recent promotion into `environment` on the trunk's first-parent history.
    public func latestPromotion(into environment: String) throws -> PromotionRecord? {
        var found: PromotionRecord?
        try walkPromotions { record in
            if record.to == environment { found = record }
            return found == nil
        }
        return found
    }

    /// The promotion into `environment` named by `selector`: a promotion id, or a commit (the
    /// trunk commit that brought it, or the promotion commit itself) as a revision or a hex prefix.
    ///
    /// - Throws: ``RollbackError/unknownPromotion(_:environment:recent:)`` (exit 2) naming the
    ///   selector and the recent promotions into `environment`, or
    ///   ``RollbackError/promotionIntoOtherEnvironment(_:environment:actual:)``.
    public func promotion(_ selector: String, into environment: String) throws -> PromotionRecord {
        let trimmed = selector.trimmingCharacters(in: .whitespaces)
        let resolved = (try? repository.resolveCommit(trimmed))
        let hexPrefix = trimmed.count >= 7 && trimmed.allSatisfy(\.isHexDigit) ? trimmed.lowercased() : nil
        var match: PromotionRecord?
        var recent: [String] = []
        try walkPromotions { record in
            let matches = record.id == trimmed
                || resolved.map { $0 == record.commit || $0 == record.carrier } == true
                || hexPrefix.map { record.commit.hex.hasPrefix($0) || record.carrier.hex.hasPrefix($0) } == true
            if matches {
                match = record
                return false
            }
            if record.to == environment && recent.count < 5 { recent.append(record.id) }
            return true
        }
        guard let match else { throw RollbackError.unknownPromotion(trimmed, environment: environment, recent: recent) }
        guard match.to == environment else {
            throw RollbackError.promotionIntoOtherEnvironment(match.id, environment: environment, actual: match.to)
        }
        return match
    }
}
