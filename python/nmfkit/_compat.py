"""scikit-learn's base classes when scikit-learn is importable, small stand-ins otherwise.

With scikit-learn, nmfkit's estimators are ordinary scikit-learn estimators (``clone``,
pipelines, ``GridSearchCV``, ``set_output``). Without it they keep ``get_params`` /
``set_params``, ``fit_transform`` and ``get_feature_names_out``.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

try:  # pragma: no branch
    from sklearn.base import BaseEstimator, TransformerMixin
    from sklearn.exceptions import ConvergenceWarning, NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        from sklearn.base import ClassNamePrefixFeaturesOutMixin
    except ImportError:  # scikit-learn < 1.2
        from sklearn.base import _ClassNamePrefixFeaturesOutMixin as ClassNamePrefixFeaturesOutMixin

    HAVE_SKLEARN = True
except ImportError:
    HAVE_SKLEARN = False

    class ConvergenceWarning(UserWarning):
        """An iterative algorithm stopped at its iteration limit."""

    class NotFittedError(ValueError, AttributeError):
        """A method that needs a fitted estimator was called before ``fit``."""

    class BaseEstimator:
        """Parameters from the constructor's signature, as scikit-learn's BaseEstimator."""

        @classmethod
        def _get_param_names(cls) -> list[str]:
            signature = inspect.signature(cls.__init__)
            return sorted(
                p.name
                for p in signature.parameters.values()
                if p.name != "self" and p.kind != p.VAR_KEYWORD
            )

        def get_params(self, deep: bool = True) -> dict[str, Any]:
            return {name: getattr(self, name) for name in self._get_param_names()}

        def set_params(self, **params: Any) -> "BaseEstimator":
            valid = self._get_param_names()
            for name, value in params.items():
                if name not in valid:
                    raise ValueError(
                        f"Invalid parameter {name!r} for estimator {self!r}. "
                        f"Valid parameters are: {valid!r}."
                    )
                setattr(self, name, value)
            return self

        def __repr__(self) -> str:
            defaults = {
                p.name: p.default
                for p in inspect.signature(type(self).__init__).parameters.values()
            }
            changed = []
            for name, value in self.get_params().items():
                default = defaults.get(name, inspect.Parameter.empty)
                if default is inspect.Parameter.empty or not _same(value, default):
                    changed.append(f"{name}={value!r}")
            return f"{type(self).__name__}({', '.join(changed)})"

    class TransformerMixin:
        """fit_transform as fit then transform."""

        def fit_transform(self, X, y=None, **fit_params):
            return self.fit(X, y, **fit_params).transform(X)

    class ClassNamePrefixFeaturesOutMixin:
        """Output feature names '<classname><i>', as scikit-learn's mixin."""

        def get_feature_names_out(self, input_features=None) -> np.ndarray:
            check_is_fitted(self, "_n_features_out")
            prefix = type(self).__name__.lower()
            return np.asarray(
                [f"{prefix}{i}" for i in range(self._n_features_out)], dtype=object
            )

    def check_is_fitted(estimator, attributes=None) -> None:
        if attributes is not None:
            names = [attributes] if isinstance(attributes, str) else list(attributes)
            fitted = all(hasattr(estimator, a) for a in names)
        else:
            fitted = any(
                k.endswith("_") and not k.startswith("__") for k in vars(estimator)
            )
        if not fitted:
            raise NotFittedError(
                f"This {type(estimator).__name__} instance is not fitted yet. Call 'fit' "
                "with appropriate arguments before using this estimator."
            )


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b) and type(a) is type(b)
    except Exception:  # arrays and other objects without a plain ==
        return a is b
