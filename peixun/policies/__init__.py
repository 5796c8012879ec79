"""Credit policies: the pure engine (rules/), stored Policy and PolicyVersion, presets, drafting and
adoption, with a hook when a version is adopted. Layer 6."""
