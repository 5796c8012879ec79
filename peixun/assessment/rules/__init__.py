"""The assessment rules, plain Python with no Django: the scheme document, scoring and hard rules,
grade bands with share caps, excellence selection, and the shipped presets."""
