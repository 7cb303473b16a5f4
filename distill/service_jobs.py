"""The service's part for jobs: queue and retry summaries, run a job's stages, delete a video
with the files distill keeps for it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from distill.domain import MetaOverride, ProgressFn
from distill.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Callable

    from distill.domain import Transcript
    from distill.jobs import JobRunner
    from distill.jobs.interface import JobService
    from distill.library import Job, Library


class JobsService:
    """What `Distill` does with durable jobs, and deleting what a job or upload left."""

    _jobs: JobRunner | None
    on_submit: Callable[[], None] | None

    @property
    def library(self) -> Library:
        """The library: `Distill` provides it."""
        raise NotImplementedError

    if TYPE_CHECKING:

        def job_id(self, ref: str) -> str:
            """The full id of a job: `Distill` provides it."""

        def video_id(self, ref: str) -> str:
            """The full id of a video: `Distill` provides it."""

        def store_source(
            self,
            source: str,
            *,
            model: str | None = None,
            lang: str | None = None,
            progress: ProgressFn = ...,
            meta: MetaOverride | None = None,
            index: bool = True,
        ) -> tuple[str, Transcript]:
            """Resolve and store a source's transcript: `Distill` provides it."""

        def summarize_stored(
            self,
            video_id: str,
            *,
            model: str | None = None,
            lang: str | None = None,
            progress: ProgressFn = ...,
            transcript: Transcript | None = None,
        ) -> Any:
            """Summarize a stored transcript and store the summary: `Distill` provides it."""

    def submit(
        self,
        source: str,
        *,
        lang: str | None = None,
        model: str | None = None,
        same_as: str | None = None,
        extra: dict[str, Any] | None = None,
        meta: MetaOverride | None = None,
        priority: int = 0,
    ) -> Job:
        """Queue summarizing a source as a durable job; the same work already queued is that job.

        Higher `priority` runs first: the web page submits a person's video above a batch's.
        """
        from distill.checks import check_meta, choose_model

        if model is not None:
            choose_model(model)
        meta = check_meta(meta)
        params: dict[str, Any] = dict(extra or {})
        if meta is not None:
            params["meta"] = meta.model_dump(exclude_none=True)
        if lang:
            params["lang"] = lang
        if model:
            params["model"] = model
        job, new = self.library.create_job_row(
            source, params=params, same_as=same_as, priority=priority
        )
        if new:
            self.jobs.enqueue(job)
        if self.on_submit is not None:
            self.on_submit()
        return job

    def retry(self, job_id: str) -> Job:
        """Queue a failed job again (or give the job already doing the same work)."""
        job, queued = self.library.requeue_failed_job_row(self.job_id(job_id))
        if queued:
            self.jobs.enqueue(job)
        if self.on_submit is not None:
            self.on_submit()
        return job

    @property
    def jobs(self) -> JobRunner:
        """What runs queued jobs: set by the process that runs them, else chosen by database."""
        if self._jobs is None:
            from distill.jobs import runner_for

            self._jobs = runner_for(cast("JobService", self))  # a mixin of Distill only
        return self._jobs

    @jobs.setter
    def jobs(self, runner: JobRunner) -> None:
        self._jobs = runner

    def job_stage(self, job: Job) -> str:
        """The stage a job resumes at: summarize once its transcript is stored, else fetch."""
        if job.video_id and self.library.has_video(job.video_id):
            return "summarize"
        return "fetch"

    def run_job_stage(self, job: Job, stage: str, progress: ProgressFn) -> str | None:
        """Run one stage of a job; the next stage, or None when the job's work is done.

        `fetch` resolves (downloads, transcribes) and stores the transcript, recording the
        video on the job; `summarize` summarizes the stored transcript and stores the summary.
        Each stage's result is stored before the next begins, so a stage that is run again
        (after a crash) starts from what the stages before it stored.
        """
        params = job.params or {}
        model = params.get("model") or None
        lang = params.get("lang") or None
        if stage == "fetch":
            meta = MetaOverride.model_validate(params["meta"]) if params.get("meta") else None
            video_id, _ = self.store_source(
                job.source, model=model, lang=lang, progress=progress, meta=meta
            )
            self.library.update_job(job.id, video_id=video_id)
            return "summarize"
        if stage == "summarize":
            if not job.video_id:
                raise InputError(f"job {job.id} has no stored video to summarize; retry it.")
            self.summarize_stored(job.video_id, model=model, lang=lang, progress=progress)
            return None
        raise InputError(f"{stage!r} is not a job stage; the stages are fetch and summarize.")

    def run_job(self, job: Job, progress: ProgressFn) -> str:
        """Do a job's work, from the stage it stopped at to the end; the stored video's id."""
        stage: str | None = self.job_stage(job)
        while stage is not None:
            stage = self.run_job_stage(job, stage, progress)
            job = self.library.get_job(job.id)
        assert job.video_id is not None
        return job.video_id

    def delete(self, video_id: str) -> str:
        """Delete a video (id or unique prefix) and the media uploaded for it; the id deleted."""
        import shutil

        video_id = self.video_id(video_id)
        meta = self.library.get_video(video_id)
        paths = [meta.path] if meta.path else []
        kept = self._fetched_file(meta.path)
        paths += [j.source for j in self.library.list_jobs(limit=1000) if j.video_id == video_id]
        self.library.delete_video(video_id)
        if kept is not None:
            kept.unlink(missing_ok=True)
        for path in paths:
            folder = self.upload_folder(path)
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
        return video_id

    def _fetched_file(self, path: str | None) -> Path | None:
        """A PDF or episode audio distill downloaded itself (never a user's own file)."""
        from distill.settings import get_settings

        if not path:
            return None
        media = get_settings().media_dir.resolve()
        try:
            file = Path(path).resolve()
        except (OSError, ValueError):
            return None
        return file if file.parent in (media / "documents", media / "episodes") else None

    def upload_folder(self, path: str) -> Path | None:
        """The folder the web app stored an upload in, when `path` is one (never anything else)."""
        from distill.settings import get_settings

        uploads = (get_settings().media_dir / "uploads").resolve()
        try:
            folder = Path(path).resolve().parent
        except (OSError, ValueError):
            return None
        return folder if folder.parent == uploads else None
