"""The same model and the same creator metric on Apache Spark DataFrames.

* :func:`predict_df` adds ``label``, ``score``, ``lang`` (and ``reasons``) to a DataFrame with an
  Arrow pandas UDF; each Python worker loads the model once (``session``).
* :func:`score_creators_df` computes the metric of :func:`classifier.scoring.score_creators`:
  input checks per Arrow batch with the scorer's own functions (``inputs``), the signals that
  look across creators as joins (``signals``), everything per creator in ``applyInPandas``
  with the scorer's ``score_tables`` (``score``), so the numbers are the same by
  construction; ``report`` holds the result and writes it.

docs/spark.md explains how to submit it to a cluster and where the time goes.
"""

from classifier.spark.predict import predict_df
from classifier.spark.report import SparkCreatorReport
from classifier.spark.score import score_creators_df
from classifier.spark.session import spark_session

__all__ = ["SparkCreatorReport", "predict_df", "score_creators_df", "spark_session"]
