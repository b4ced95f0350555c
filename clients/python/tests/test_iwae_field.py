"""log_eval's IWAE fields: the loop's own importance-weighted bound lands in the eval record as vaetop writes it."""
import os
import shutil
import tempfile
import unittest

from fakes import records, vaetop


class IWAEFieldTests(unittest.TestCase):
    def test_iwae_fields_are_written_only_when_given(self):
        d = tempfile.mkdtemp(prefix="vaetop-iwae-")
        self.addCleanup(shutil.rmtree, d, True)
        run = vaetop.Run(d)
        run.log_eval(loss=100.0, recon=90.0, kl_dims=[5.0, 5.0], mean_variance=[1.0, 1.0])
        run.log_eval(loss=99.0, recon=89.0, kl_dims=[5.0, 5.0], mean_variance=[1.0, 1.0], iwae=95.5, iwae_k=5000,
                     iwae_images=10000)
        run.close()
        evals = [r for r in records(d) if r["kind"] == "eval"]
        self.assertNotIn("iwae", evals[0])
        self.assertEqual((evals[1]["iwae"], evals[1]["iwaeK"], evals[1]["iwaeImages"]), (95.5, 5000, 10000))


if __name__ == "__main__":
    unittest.main()
