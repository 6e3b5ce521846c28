// libFuzzer entry point for the 'keypath' property (see FuzzProperties.keypath).

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzz(FuzzProperties.keypath, data, size)
}
