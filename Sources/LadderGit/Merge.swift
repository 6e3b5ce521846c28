import Clibgit2
import Foundation

extension Repository {
    /// Three-way merge of file contents in memory (git's `merge-file`): the changes from
    /// `ancestor` to `theirs` applied to `ours`. Returns the merged bytes, or nil when both sides
    /// changed the same lines (a conflict). Nothing is written to the repository.
    public static func mergeFile(ancestor: [UInt8], ours: [UInt8], theirs: [UInt8]) throws(GitError) -> [UInt8]? {
        ensureLibgit2()
        var options = git_merge_file_options()
        try check(git_merge_file_options_init(&options, UInt32(GIT_MERGE_FILE_OPTIONS_VERSION)), "prepare file merge")
        var result = git_merge_file_result()
        // A trailing NUL keeps every buffer's base address non-nil, even for empty files; the
        // sizes passed exclude it.
        let (ancestor, ours, theirs) = (ancestor + [0], ours + [0], theirs + [0])
        let status: Int32 = ancestor.withUnsafeBufferPointer { ancestorBytes in
            ours.withUnsafeBufferPointer { oursBytes in
                theirs.withUnsafeBufferPointer { theirsBytes in
                    func input(_ bytes: UnsafeBufferPointer<UInt8>) -> git_merge_file_input {
                        var value = git_merge_file_input()
                        git_merge_file_input_init(&value, UInt32(GIT_MERGE_FILE_INPUT_VERSION))
                        value.ptr = UnsafeRawPointer(bytes.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) }
                        value.size = bytes.count - 1
                        return value
                    }
                    var base = input(ancestorBytes)
                    var mine = input(oursBytes)
                    var other = input(theirsBytes)
                    return git_merge_file(&result, &base, &mine, &other, &options)
                }
            }
        }
        try check(status, "merge file contents")
        defer { git_merge_file_result_free(&result) }
        guard result.automergeable != 0 else { return nil }
        guard let pointer = result.ptr, result.len > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: result.len))
    }
}
