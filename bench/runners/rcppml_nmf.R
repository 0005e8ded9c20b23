# Runs RcppML::nmf on one matrix and prints one JSON line per fit: seconds and ||A - WDH||.
# Usage: Rscript rcppml_nmf.R MATRIX(.mtx | .f64 with .shape) K THREADS MAXIT SEED [once]
#   default: a growing iteration budget (1, 2, 4, ... MAXIT), a fresh fit each time;
#   once:    one fit with MAXIT iterations at most and RcppML's own stopping rule
#            (MAXIT 'default' keeps RcppML's default maxit too).
suppressMessages({ library(Matrix); library(RcppML) })
args <- commandArgs(trailingOnly = TRUE)
path <- args[1]; k <- as.integer(args[2]); threads <- as.integer(args[3])
seed <- as.integer(args[5])
once <- length(args) >= 6 && args[6] == "once"
if (grepl("\\.mtx$", path)) {
  A <- as(readMM(path), "CsparseMatrix")
  A <- as(A, "dgCMatrix")
  a_norm2 <- sum(A@x^2)
} else {
  shape <- scan(paste0(path, ".shape"), quiet = TRUE)
  A <- matrix(readBin(path, "double", n = shape[1] * shape[2]), nrow = shape[1], ncol = shape[2], byrow = TRUE)
  a_norm2 <- sum(A^2)
}
setRcppMLthreads(threads)

fit_and_print <- function(maxit) {
  started <- Sys.time()
  model <- if (is.na(maxit)) {
    RcppML::nmf(A, k, verbose = FALSE, seed = seed)
  } else if (once) {
    RcppML::nmf(A, k, maxit = maxit, verbose = FALSE, seed = seed)
  } else {
    RcppML::nmf(A, k, tol = 1e-12, maxit = maxit, verbose = FALSE, seed = seed)
  }
  seconds <- as.numeric(difftime(Sys.time(), started, units = "secs"))
  W <- model$w %*% diag(model$d)
  H <- model$h
  cross <- sum(as.matrix(A %*% t(H)) * W)
  gram <- sum(crossprod(W) * tcrossprod(H))
  error <- sqrt(max(a_norm2 - 2 * cross + gram, 0))
  cat(sprintf('{"maxit": %s, "n_iter": %d, "seconds": %.6f, "error": %.12g, "x_norm": %.12g, "rcppml_version": "%s", "threads": %d}\n',
              if (is.na(maxit)) '"default"' else as.character(maxit), as.integer(model$iter),
              seconds, error, sqrt(a_norm2), as.character(packageVersion("RcppML")),
              as.integer(getRcppMLthreads())))
  model
}

if (once) {
  invisible(fit_and_print(if (args[4] == "default") NA else as.integer(args[4])))
} else {
  maxit <- as.integer(args[4])
  budget <- 1
  repeat {
    model <- fit_and_print(budget)
    if (budget >= maxit || model$iter < budget) break
    budget <- min(2 * budget, maxit)
  }
}
