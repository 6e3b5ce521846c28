// libFuzzer entry point for the 'codeowners' property (see FuzzProperties.codeowners).

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzz(FuzzProperties.codeowners, data, size)
}
