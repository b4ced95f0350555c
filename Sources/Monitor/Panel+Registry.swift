extension Panel {
    /// Every panel, in focus order (keys 1, 2, …): the one list the screen's panels derive from.
    static let registry: [any PanelView] = [
        LossPanel(), BetaPanel(), LRPanel(), KLPanel(), GradsPanel(), ImagesPanel(), KnobsPanel(), LogPanel(),
    ]
}
