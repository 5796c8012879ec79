"""School-based training's pure rules: the lifecycle tables, the yearly caps read from a policy,
the checks a plan must pass before it is submitted, and the share of each line the caps let count."""
