"""The example VAE under DistributedDataParallel, steered from vaetop's screen (CPU, gloo backend).

    torchrun --nproc_per_node 2 examples/pytorch_vae_ddp.py --out runs/ddp --epochs 20 --delay 0.1 &
    vaetop watch runs/ddp

(`--out`, not `--run`: torchrun reads `--run` after the script as an abbreviation of its own `--run-path` and
stops with "ambiguous option"; `--run` works when the script is started without torchrun's parser.)

Rank 0 writes the run and reads commands.jsonl; every command (and undo/rewind) is broadcast and applied on every
rank at the same step boundary, so no rank ever trains with another lr, β or batch size. The loss, KL per
dimension and gradient norms rank 0 logs are averaged over the ranks (the batch size and samples/s summed). Each
rank trains on its shard of every epoch (DistributedSampler) and writes the lr it trained every step with to
RUN/rank-K-lr.txt ("step lr" per line), to check that the ranks agree.

A batch-size command is the global batch: each rank takes its share (refused when it does not split evenly).
"""
import argparse
import os
import sys
import time

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data.distributed import DistributedSampler

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from pytorch_vae import SCHEDULERS, VAE, Feed, Showcase, load_mnist, make_scheduler, step_scheduler  # noqa: E402

try:
    import vaetop
except ImportError:
    sys.path.insert(0, os.path.join(HERE, "..", "clients", "python"))
    import vaetop
from vaetop.torchutils import gaussian_kl, kl_term  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", "--run", "--run-dir", dest="run", default="runs/ddp", help="the run directory")
    ap.add_argument("--data", default=os.path.join(HERE, "..", "Sources", "Datasets", "Resources", "mnist"))
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--batch", type=int, default=128, help="global batch size (split over the ranks)")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--scheduler", choices=SCHEDULERS, default="onecycle")
    ap.add_argument("--latent", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--eval-every", type=int, default=100)
    ap.add_argument("--snapshot-every", type=int, default=50)
    ap.add_argument("--delay", type=float, default=0.0, help="seconds to sleep per step (to watch slowly)")
    a = ap.parse_args()

    if "RANK" not in os.environ:                      # started without torchrun: a group of one
        os.environ.update(RANK="0", WORLD_SIZE="1", MASTER_ADDR="127.0.0.1", MASTER_PORT="29517")
    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    if a.batch % world:
        sys.exit(f"--batch {a.batch} does not split over {world} ranks")
    torch.manual_seed(a.seed); torch.set_num_threads(1)

    os.makedirs(a.run, exist_ok=True)
    train, test = load_mnist(a.data)
    test_shard = test[rank::world]
    sampler = DistributedSampler(range(len(train)), num_replicas=world, rank=rank, shuffle=True, seed=a.seed)

    def order(epoch):
        sampler.set_epoch(epoch)
        return list(sampler)

    feed = Feed(train, a.batch // world, order)
    model = DistributedDataParallel(VAE(latent=a.latent))
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    steps_per_epoch = -(-len(sampler) // (a.batch // world))
    sched = make_scheduler(a.scheduler, opt, a.lr, a.epochs * steps_per_epoch, steps_per_epoch)

    run = vaetop.init(a.run, config={"latent": a.latent, "epochs": a.epochs, "batchSize": a.batch, "encoder": [400],
                                     "decoder": [400], "seed": a.seed, "optimizer": {"kind": "adam", "lr": a.lr}},
                      model=model, optimizer=opt, scheduler=sched, snapshot_every=a.snapshot_every,
                      beta=1.0, free_bits=0.0, clip_norm=None, train_images=len(train), test_images=len(test),
                      steps_per_epoch=steps_per_epoch)          # torch.distributed is detected: rank 0 writes
    show = Showcase(run, model.module, test_shard, a.latent)
    run.track("data", feed.state, feed.load_state, light=True)

    def batch_size(n):
        if n % world:
            raise ValueError(f"batch size {n} does not split over {world} ranks")
        feed.set_batch_size(n // world)

    def checkpoint():
        if rank != 0:
            return None
        path = os.path.join(a.run, "checkpoint.pt")
        torch.save({"step": run.global_step, "model": model.module.state_dict(), "optimizer": opt.state_dict()}, path)
        return path

    def evaluate():
        show.evaluate()                               # every rank its test shard; log_eval averages them
        if isinstance(sched, torch.optim.lr_scheduler.ReduceLROnPlateau):
            sched.step(run.last_eval_loss)            # the same averaged loss on every rank

    run.on("batch_size", batch_size, value=a.batch)
    run.on("checkpoint", checkpoint)
    run.on("evaluate", evaluate)
    run.on("traverse", show.traverse)

    lr_file = open(os.path.join(a.run, f"rank-{rank}-lr.txt"), "w")
    while not feed.finished(a.epochs) and not run.stopped:
        with run.step() as step:
            xb = feed.next()
            run.epoch = feed.epoch
            lr_file.write(f"{step} {opt.param_groups[0]['lr']!r}\n")
            lr_file.flush()
            logits, mu, logvar = model(xb)
            recon = F.binary_cross_entropy_with_logits(logits, xb, reduction="sum")
            loss = recon + run.beta * kl_term(gaussian_kl(mu, logvar), run.free_bits)
            opt.zero_grad()
            loss.backward()                           # DDP averages the gradients over the ranks
            run.clip_grad_norm_()
            opt.step()
            step_scheduler(sched)
            n = len(xb)
            run.log(loss=loss / n, recon=recon / n, mu=mu, logvar=logvar, batch_size=n)   # all ranks: averaged
            if step % a.eval_every == 0:
                evaluate()
        if a.delay:
            time.sleep(a.delay)
    if not run.stopped:
        show.evaluate()
    run.close(test_loss=run.last_eval_loss, active_units=run.last_active_units)
    lr_file.close()
    dist.barrier()                                    # no rank tears gloo down while another still talks
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
