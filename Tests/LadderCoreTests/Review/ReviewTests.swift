import Testing

/// Parent of the Review-folder suites, so that `swift test --filter Review` runs them all.
@Suite enum ReviewTests {}
