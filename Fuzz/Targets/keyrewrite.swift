// libFuzzer entry point for the 'keyrewrite' property (see FuzzProperties.keyrewrite).

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzz(FuzzProperties.keyrewrite, data, size)
}
