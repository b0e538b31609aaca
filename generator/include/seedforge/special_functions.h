// Special functions shared by the synthesizers (gamma marginals of the
// copula) and the evaluation (chi-squared p-values).
#pragma once

namespace seedforge {

// The regularized incomplete gamma functions P(a, x) = γ(a, x) / Γ(a) and
// Q(a, x) = Γ(a, x) / Γ(a) = 1 - P(a, x), for a > 0. Each is computed
// directly on its own side (the series of P for x < a + 1, Lentz's
// continued fraction of Q beyond; Press, Teukolsky, Vetterling and
// Flannery, "Numerical Recipes", 3rd ed., §6.2), so that tiny values keep
// their relative precision instead of being 1 minus something close to 1.
double RegularizedGammaP(double a, double x);
double RegularizedGammaQ(double a, double x);

}  // namespace seedforge
