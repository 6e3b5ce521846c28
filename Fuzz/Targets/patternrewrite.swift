// libFuzzer entry point for the 'patternrewrite' property (see FuzzProperties.patternrewrite).

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzz(FuzzProperties.patternrewrite, data, size)
}
