import Runs
import Testing
@testable import vaetop

/// The command line declares no default of its own: with no flags it builds exactly `RunConfig()`.
@Suite struct DefaultsTests {
    @Test func noFlagsMeansTheConfigurationDefaults() throws {
        let options = try TrainingOptions.parse([])
        #expect(try options.makeConfig() == RunConfig())
    }
}
