# Runs RcppML::nmf on one matrix with a growing iteration budget (1, 2, 4, ... maxit), a
# fresh fit each time, and prints one JSON line per budget: seconds and ||A - WDH||.
# Usage: Rscript rcppml_nmf.R MATRIX(.mtx | .f64 with .shape) K THREADS MAXIT SEED
suppressMessages({ library(Matrix); library(RcppML) })
args <- commandArgs(trailingOnly = TRUE)
path <- args[1]; k <- as.integer(args[2]); threads <- as.integer(args[3])
maxit <- as.integer(args[4]); seed <- as.integer(args[5])
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
budget <- 1
repeat {
  started <- Sys.time()
  model <- RcppML::nmf(A, k, tol = 1e-12, maxit = budget, verbose = FALSE, seed = seed)
  seconds <- as.numeric(difftime(Sys.time(), started, units = "secs"))
  W <- model$w %*% diag(model$d)
  H <- model$h
  cross <- sum(as.matrix(A %*% t(H)) * W)
  gram <- sum(crossprod(W) * tcrossprod(H))
  error <- sqrt(max(a_norm2 - 2 * cross + gram, 0))
  cat(sprintf('{"maxit": %d, "n_iter": %d, "seconds": %.6f, "error": %.12g, "x_norm": %.12g}\n',
              budget, as.integer(model$iter), seconds, error, sqrt(a_norm2)))
  if (budget >= maxit || model$iter < budget) break
  budget <- min(2 * budget, maxit)
}
