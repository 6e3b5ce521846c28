import Foundation

/// A window that takes part in a decision, with the occurrence that is active (if any).
public struct WindowCause: Sendable, Equatable {
    /// The window from the policy.
    public let window: TimeWindow
    /// The active occurrence, or nil for an allow window that is not active.
    public let interval: DateInterval?

    /// `"weekend freeze" (deny, Fri 2026-11-20 16:00 Europe/Berlin for 64h)`.
    public var description: String {
        let details = window.describe(occurrence: interval)
        if let reason = window.reason, !reason.isEmpty { return "\"\(reason)\" (\(details))" }
        return "\(window.kind.rawValue) window (\(details))"
    }
}

/// The verdict of the windows at one instant.
public struct WindowDecision: Sendable, Equatable {
    /// Why the gate is open or closed.
    public enum Basis: Sendable, Equatable {
        /// There are no windows at all.
        case noWindows
        /// No deny window is active and there are no allow windows.
        case noActiveDeny
        /// An allow window is active and no deny window is.
        case insideAllow
        /// At least one deny window is active.
        case denied
        /// There are allow windows and none is active.
        case outsideAllow
    }

    /// The instant evaluated.
    public let date: Date
    /// Whether promotion is allowed by the windows at `date`.
    public let isOpen: Bool
    /// Which rule decided the verdict.
    public let basis: Basis
    /// The windows behind the verdict: the active deny windows when denied, the active allow
    /// windows when inside one, every allow window when outside them all; empty otherwise.
    public let causes: [WindowCause]
    /// When closed, the first instant at which the gate opens, or nil if it stays closed for the
    /// whole horizon.
    public let reopensAt: Date?
    /// When open, the first instant at which the gate closes, or nil if it stays open for the
    /// whole horizon.
    public let closesAt: Date?
    /// How far ahead `reopensAt` and `closesAt` were searched.
    public let horizon: TimeInterval

    /// The verdict in plain words, e.g. `closed by "weekend freeze" (deny, Fri 2026-11-20 16:00
    /// Europe/Berlin for 64h) until 2026-11-23T07:00:00Z`.
    public var message: String {
        let names = causes.map(\.description).joined(separator: " and ")
        switch basis {
        case .denied:
            return "closed by \(names) \(reopening)"
        case .outsideAllow:
            return "closed: outside \(causes.count == 1 ? "the allow window" : "every allow window") \(names) \(reopening)"
        case .insideAllow:
            return "open within \(names)\(closing)"
        case .noWindows:
            return "open: no windows apply"
        case .noActiveDeny:
            return "open\(closing)"
        }
    }

    private var reopening: String {
        guard let reopensAt else {
            return "with no opening in the next \(PolicyDuration.phrase(horizon))"
        }
        return "until \(Timestamp.format(reopensAt)) (in \(PolicyDuration.phrase(reopensAt.timeIntervalSince(date))))"
    }

    private var closing: String {
        guard let closesAt else { return "" }
        return " until \(Timestamp.format(closesAt))"
    }
}

/// Combines windows into an open/closed verdict: deny wins over allow, and when any allow window
/// exists, time outside every allow window is closed.
public enum WindowPolicy {
    /// How far ahead `reopensAt` and `closesAt` are searched: 400 days.
    public static let horizon: TimeInterval = 400 * 86_400

    /// Evaluates `windows` at `date`, including when the gate next opens (if closed) or closes
    /// (if open), searched up to `horizon` ahead.
    public static func evaluate(_ windows: [TimeWindow], at date: Date, horizon: TimeInterval = WindowPolicy.horizon) -> WindowDecision {
        let limit = date.addingTimeInterval(horizon)
        let now = state(of: windows, at: date, limit: limit)
        let change = firstChange(of: windows, after: now, limit: limit)

        let basis: WindowDecision.Basis
        var causes: [WindowCause] = []
        if windows.isEmpty {
            basis = .noWindows
        } else if !now.activeDeny.isEmpty {
            basis = .denied
            causes = now.activeDeny
        } else if !now.activeAllow.isEmpty {
            basis = .insideAllow
            causes = now.activeAllow
        } else if windows.contains(where: { $0.kind == .allow }) {
            basis = .outsideAllow
            causes = windows.filter { $0.kind == .allow }.map { WindowCause(window: $0, interval: nil) }
        } else {
            basis = .noActiveDeny
        }
        return WindowDecision(
            date: date,
            isOpen: now.isOpen,
            basis: basis,
            causes: causes,
            reopensAt: now.isOpen ? nil : change,
            closesAt: now.isOpen ? change : nil,
            horizon: horizon)
    }

    private struct State {
        var isOpen: Bool
        var activeDeny: [WindowCause]
        var activeAllow: [WindowCause]
        /// The next instant at which any window starts or ends, no later than the limit.
        var nextBoundary: Date?
    }

    private static func state(of windows: [TimeWindow], at date: Date, limit: Date) -> State {
        var deny: [WindowCause] = []
        var allow: [WindowCause] = []
        var hasAllow = false
        var boundary: Date?
        func consider(_ candidate: Date?) {
            guard let candidate, candidate > date, candidate <= limit else { return }
            if boundary == nil || candidate < boundary! { boundary = candidate }
        }
        for window in windows {
            if window.kind == .allow { hasAllow = true }
            if let interval = window.activeInterval(containing: date) {
                let cause = WindowCause(window: window, interval: interval)
                if window.kind == .deny { deny.append(cause) } else { allow.append(cause) }
                consider(interval.end)
                // Only a start before the end matters: one at the end is found from there.
                consider(window.nextStart(after: date, notAfter: min(interval.end, limit)))
            } else {
                consider(window.nextStart(after: date, notAfter: min(boundary ?? limit, limit)))
            }
        }
        let isOpen = deny.isEmpty && (!hasAllow || !allow.isEmpty)
        return State(isOpen: isOpen, activeDeny: deny, activeAllow: allow, nextBoundary: boundary)
    }

    /// The first boundary after `start` at which the verdict differs from `start.isOpen`.
    private static func firstChange(of windows: [TimeWindow], after start: State, limit: Date) -> Date? {
        var current = start
        // Each step crosses at least one window boundary; the cap only guards against a
        // pathological policy (say, a minutely window) making the walk slow.
        for _ in 0..<20_000 {
            guard let next = current.nextBoundary else { return nil }
            current = state(of: windows, at: next, limit: limit)
            if current.isOpen != start.isOpen { return next }
        }
        return nil
    }
}
