/// The version `vaetop --version` prints, and the man page carries.
enum VaetopVersion {
    static let current = "0.12.0"
}
