"""nmfkit: non-negative matrix factorisation and topic models over a C++ core.

``nmfkit.NMF`` and ``nmfkit.MiniBatchNMF`` are drop-in replacements for scikit-learn's;
``nmfkit.TopicModel`` is the topic model of a text corpus (what ``nmfkit topics`` runs) and
``nmfkit.text`` holds the vectorisers, corpus reader and topic helpers;
``nmfkit.NonNegativeCP`` (and ``nmfkit.tensor``) the non-negative CP of tensors;
``nmfkit.select_k`` and ``nmfkit.consensus`` choose the number of components,
``nmfkit.cluster`` clusters samples by their topics and ``nmfkit.feature_associations`` links
the features of two modalities; ``nmfkit.nmf_anndata`` and ``nmfkit.cluster_anndata`` store
results in an AnnData object under scanpy's names; ``nmfkit.NMF.load`` reads a model folder
written by the command line and ``nmfkit.read_result_manifest`` any result folder's manifest.
"""

from . import _nmfkit
from ._compat import ConvergenceWarning
from .decomposition import NMF, solvers
from .annotate import cluster_anndata, nmf_anndata
from .associations import feature_associations
from .clustering import ClusterResult, cluster
from .identifiability import check_ssc, identifiability, near_anchors
from .minibatch import MiniBatchNMF
from .multimodal import MultimodalTopics
from .selection import ConsensusResult, SelectKResult, consensus, select_k
from .tensor import NonNegativeCP, factor_match_score, non_negative_parafac
from .topic_model import TopicModel

__version__: str = _nmfkit.__version__
read_result_manifest = _nmfkit.read_result_manifest

__all__ = [
    "NMF",
    "MiniBatchNMF",
    "NonNegativeCP",
    "non_negative_parafac",
    "factor_match_score",
    "ConvergenceWarning",
    "solvers",
    "text",
    "__version__",
    "check_ssc",
    "near_anchors",
    "identifiability",
    "select_k",
    "SelectKResult",
    "consensus",
    "ConsensusResult",
    "cluster",
    "ClusterResult",
    "feature_associations",
    "MultimodalTopics",
    "TopicModel",
    "nmf_anndata",
    "cluster_anndata",
    "read_result_manifest",
]


def __getattr__(name: str):
    # nmfkit.text is imported on first use: NMF alone needs neither its helpers nor SciPy.
    if name == "text":
        import importlib

        return importlib.import_module(".text", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
