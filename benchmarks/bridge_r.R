# R's bridgesampling on the posterior draws written by benchmarks/bridge_r.py.
#
#   Rscript benchmarks/bridge_r.R PROBLEM DATA.csv DRAWS.csv OUT.csv [NAME=VALUE ...]
#
# PROBLEM is one of
#   linear    y ~ N(X w, noise_sd^2),   w ~ N(0, prior_sd^2)              (hyper: noise_sd, prior_sd)
#   nig       y ~ N(X b, sigma2),       b ~ N(0, v0 sigma2), sigma2 ~ InvGamma(a0, b0)
#                                                                          (hyper: v0, a0, b0)
#   logistic  y ~ Bernoulli(logit^-1(X b)), b ~ N(0, prior_sd^2)          (hyper: prior_sd)
# DATA.csv has a column y and the columns of X; DRAWS.csv a column rep and one column per
# parameter (constrained scale; sigma2 > 0 is mapped to log(sigma2) by bridgesampling itself).
# For each rep, bridge_sampler() runs with method "normal" and "warp3" on that rep's draws, in
# the order given (the first half of the rows fits the proposal, the second half iterates);
# only bridge_sampler() is timed. OUT.csv gets rep, method, logml, se, seconds; se is
# error_measures()$cv for "normal" and NA for "warp3" (bridgesampling reports no error for a
# single warp3 run).

suppressPackageStartupMessages(library(bridgesampling))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 4) stop("usage: bridge_r.R PROBLEM DATA.csv DRAWS.csv OUT.csv [NAME=VALUE ...]")
problem <- args[[1]]
dat <- read.csv(args[[2]])
draws <- read.csv(args[[3]])
out_path <- args[[4]]
hyper <- list()
for (kv in args[-(1:4)]) {
  parts <- strsplit(kv, "=", fixed = TRUE)[[1]]
  hyper[[parts[[1]]]] <- as.numeric(parts[[2]])
}

y <- dat$y
X <- as.matrix(dat[, setdiff(names(dat), "y"), drop = FALSE])
data <- list(y = y, X = X)
params <- setdiff(names(draws), "rep")
coef_names <- params[params != "sigma2"]

log_posterior <- switch(
  problem,
  linear = function(pars, data) {
    w <- pars[coef_names]
    sum(dnorm(w, 0, hyper$prior_sd, log = TRUE)) +
      sum(dnorm(data$y, drop(data$X %*% w), hyper$noise_sd, log = TRUE))
  },
  nig = function(pars, data) {
    b <- pars[coef_names]
    s2 <- pars[["sigma2"]]
    a0 <- hyper$a0
    b0 <- hyper$b0
    log_invgamma <- a0 * log(b0) - lgamma(a0) - (a0 + 1) * log(s2) - b0 / s2
    log_invgamma + sum(dnorm(b, 0, sqrt(hyper$v0 * s2), log = TRUE)) +
      sum(dnorm(data$y, drop(data$X %*% b), sqrt(s2), log = TRUE))
  },
  logistic = function(pars, data) {
    b <- pars[coef_names]
    eta <- drop(data$X %*% b)
    sum(dnorm(b, 0, hyper$prior_sd, log = TRUE)) +
      sum(data$y * eta - log1p(exp(-abs(eta))) - pmax(eta, 0))
  },
  stop("unknown problem: ", problem)
)

lb <- setNames(ifelse(params == "sigma2", 0, -Inf), params)
ub <- setNames(rep(Inf, length(params)), params)

rows <- list()
for (r in sort(unique(draws$rep))) {
  samples <- as.matrix(draws[draws$rep == r, params, drop = FALSE])
  for (method in c("normal", "warp3")) {
    set.seed(r)
    elapsed <- system.time(
      bs <- bridge_sampler(
        samples = samples, log_posterior = log_posterior, data = data, lb = lb, ub = ub,
        method = method, silent = TRUE
      )
    )[["elapsed"]]
    se <- if (method == "normal") error_measures(bs)$cv else NA_real_
    rows[[length(rows) + 1]] <- data.frame(
      rep = r, method = method, logml = bs$logml, se = se, seconds = elapsed
    )
  }
}
write.csv(do.call(rbind, rows), out_path, row.names = FALSE)
