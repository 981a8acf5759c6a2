"""Numbers from draws: WAIC, WBIC, learning coefficients, Fisher information, theory values."""
