"""The pure rules of the teacher's records (no Django): when a qualification certificate is due
for its 定期注册 (G7), the degree shares against their targets (G8), the 见习期 stages (A6, G9)."""
