import Foundation
import Synchronization

/// Where export's JSON lines wait until the whole chain is verified, once they outgrow a memory
/// budget: an unlinked temporary file that batches are written to at reserved offsets, from any
/// thread, and read back in chain order. Without it an export of a very long log would hold
/// every row in memory (about 2 KB per event); with it memory stops growing at the budget.
///
/// Lines within the budget stay in memory, so an ordinary export never touches the disk. A
/// temporary file that cannot be made or written to is not an error: the lines stay in memory.
@available(macOS 15, *)
final class AuditSpool: AuditLineStore {
    private struct State {
        /// Bytes left in memory so far.
        var inMemory = 0
        /// The temporary file, made at the first batch over the budget.
        var descriptor: Int32?
        var unavailable = false
        var end = 0
    }

    private let memoryBudget: Int
    private let state = Mutex(State())

    /// - Parameter memoryBudget: how many bytes of lines may stay in memory before batches go
    ///   to the temporary file.
    init(memoryBudget: Int = 256 << 20) {
        self.memoryBudget = memoryBudget
    }

    deinit {
        if let descriptor = state.withLock({ $0.descriptor }) { close(descriptor) }
    }

    /// Nil while the budget lasts (the caller keeps `bytes`); then writes them to the temporary
    /// file and returns where they are, or nil when that fails.
    func store(_ bytes: [UInt8]) -> Range<Int>? {
        let place = state.withLock { state -> (descriptor: Int32, start: Int)? in
            if state.inMemory + bytes.count <= memoryBudget || state.unavailable {
                state.inMemory += bytes.count
                return nil
            }
            if state.descriptor == nil {
                state.descriptor = Self.temporaryFile()
                state.unavailable = state.descriptor == nil
            }
            guard let descriptor = state.descriptor else { return nil }
            defer { state.end += bytes.count }
            return (descriptor, state.end)
        }
        guard let place else { return nil }
        let written = bytes.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let count = pwrite(place.descriptor, raw.baseAddress! + offset, raw.count - offset, off_t(place.start + offset))
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                offset += count
            }
            return true
        }
        return written ? place.start..<(place.start + bytes.count) : nil
    }

    /// Copies the bytes at `range` of the temporary file to `output`.
    func copy(_ range: Range<Int>, to output: AuditExportOutput) throws {
        guard let descriptor = state.withLock({ $0.descriptor }) else {
            throw AuditLogError.fileUnreadable(path: "(export spool)", reason: "the export's temporary file is gone")
        }
        var buffer = [UInt8](repeating: 0, count: min(range.count, 1 << 20))
        var offset = range.lowerBound
        while offset < range.upperBound {
            let wanted = min(buffer.count, range.upperBound - offset)
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, wanted, off_t(offset)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                throw AuditLogError.fileUnreadable(
                    path: "(export spool)", reason: count < 0 ? String(cString: strerror(errno)) : "the export's temporary file was cut short")
            }
            try buffer.withUnsafeBytes { try output.write(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            offset += count
        }
    }

    /// A new file in the temporary directory, already unlinked (its space returns when the
    /// descriptor closes, even if the process is killed); nil when none can be made.
    private static func temporaryFile() -> Int32? {
        var template = Array((FileManager.default.temporaryDirectory.path + "/ladder-export.XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { return nil }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return descriptor
    }
}
